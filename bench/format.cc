#include "bench/format.h"

#include <fmt/format.h>

#include <cmath>

namespace liminal::bench {
namespace {

std::string ThreeDigits(double value) {
  const double magnitude = std::abs(value);
  if (magnitude >= 100) return fmt::format("{:.0f}", value);
  if (magnitude >= 10) return fmt::format("{:.1f}", value);
  return fmt::format("{:.2f}", value);
}

}  // namespace

std::string FormatValue(double value, std::string_view unit) {
  if (unit == "msg/s") {
    if (value >= 1e6) return ThreeDigits(value / 1e6) + "M";
    if (value >= 1e3) return ThreeDigits(value / 1e3) + "k";
    return ThreeDigits(value);
  }
  if (unit == "us") {
    if (value >= 1000) return ThreeDigits(value / 1000) + " ms";
    return ThreeDigits(value) + " us";
  }
  if (unit == "B") {
    if (std::abs(value) >= 1024 * 1024) return ThreeDigits(value / (1024 * 1024)) + " MiB";
    if (std::abs(value) >= 1024) return ThreeDigits(value / 1024) + " KiB";
    return fmt::format("{:.0f} B", value);
  }
  if (unit == "%") return fmt::format("{:.2f} %", value);
  return ThreeDigits(value) + (unit.empty() ? "" : " " + std::string(unit));
}

std::string FormatRatio(double ratio) { return fmt::format("{:.2f}x", ratio); }

std::string FormatSeconds(double seconds) { return fmt::format("{:.1f} s", seconds); }

}  // namespace liminal::bench
