// Statistics for benchmark results: percentiles of latency samples (nearest rank), medians
// of trial values, and the relative spread of trials.
//
//   std::vector<int64_t> rtts_ns = ...;
//   LatencySummary s = SummarizeLatencies(rtts_ns);       // s.p50_us, s.p99_us, s.p999_us
//   double m = Median({3.0, 1.0, 2.0});                     // 2.0
//   double spread = RelativeSpread({9.0, 10.0, 11.0});      // (11 - 9) / 10 = 0.2
//
// Thread-safety: pure functions.
#ifndef LIMINAL_BENCH_STATS_H_
#define LIMINAL_BENCH_STATS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace liminal::bench {

// The nearest-rank percentile (0 < p <= 100) of `sorted` (ascending, non-empty): the
// smallest sample such that at least p% of the samples are <= it.
double PercentileOfSorted(const std::vector<double>& sorted, double p);

// The median of `values` (the mean of the two middle values for an even count); 0 if empty.
double Median(std::vector<double> values);

// (max - min) / median; 0 for fewer than two values or a zero median.
double RelativeSpread(const std::vector<double>& values);

struct LatencySummary {
  size_t count = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double mean_us = 0;
  double max_us = 0;
};

// Percentiles of round-trip samples in nanoseconds, reported in microseconds.
LatencySummary SummarizeLatencies(const std::vector<int64_t>& samples_ns);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_STATS_H_
