// Human-readable numbers for the table and the progress lines.
//
//   FormatValue(1234567, "msg/s");   // "1.23M"
//   FormatValue(45.2, "us");         // "45.2 us"     (1234.5 → "1.23 ms")
//   FormatValue(13000, "B");         // "12.7 KiB"
//   FormatValue(0.4, "%");           // "0.40 %"
//   FormatRatio(0.53);               // "0.53x"
//   FormatSeconds(2.5);              // "2.5 s"
//
// Thread-safety: pure functions.
#ifndef LIMINAL_BENCH_FORMAT_H_
#define LIMINAL_BENCH_FORMAT_H_

#include <string>
#include <string_view>

namespace liminal::bench {

std::string FormatValue(double value, std::string_view unit);
std::string FormatRatio(double ratio);
std::string FormatSeconds(double seconds);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_FORMAT_H_
