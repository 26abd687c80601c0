#include "bench/growth_detector.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/stats.h"

namespace liminal::bench {
namespace {

// Pairs beyond this many samples are thinned to every k-th sample (the slope stays the
// median of many pairs; the cost stays below ~2 million pairs for any soak length).
constexpr size_t kMaxSlopeSamples = 2000;

double TheilSenSlope(std::span<const SeriesPoint> points) {
  const size_t stride = points.size() / kMaxSlopeSamples + 1;
  std::vector<double> slopes;
  for (size_t i = 0; i < points.size(); i += stride) {
    for (size_t j = i + stride; j < points.size(); j += stride) {
      const double dt = points[j].seconds - points[i].seconds;
      if (dt > 0) slopes.push_back((points[j].value - points[i].value) / dt);
    }
  }
  return Median(std::move(slopes));
}

}  // namespace

GrowthVerdict DetectGrowth(std::span<const SeriesPoint> series, const GrowthCheck& check) {
  GrowthVerdict verdict;
  std::vector<SeriesPoint> window;
  for (const SeriesPoint& point : series) {
    if (point.seconds >= check.warmup_seconds) window.push_back(point);
  }
  std::sort(window.begin(), window.end(),
            [](const SeriesPoint& a, const SeriesPoint& b) { return a.seconds < b.seconds; });
  verdict.window_samples = window.size();
  if (window.size() < kMinWindowSamples) return verdict;
  verdict.enough_samples = true;
  verdict.window_seconds = window.back().seconds - window.front().seconds;
  verdict.slope_per_second = TheilSenSlope(window);
  verdict.projected_growth = verdict.slope_per_second * verdict.window_seconds;

  const size_t half = window.size() / 2;
  std::vector<double> first;
  std::vector<double> second;
  for (size_t i = 0; i < window.size(); ++i) {
    (i < half ? first : second).push_back(window[i].value);
  }
  verdict.first_half_median = Median(std::move(first));
  verdict.second_half_median = Median(std::move(second));
  verdict.half_median_rise = verdict.second_half_median - verdict.first_half_median;
  verdict.growing =
      verdict.projected_growth > check.tolerance && verdict.half_median_rise > check.tolerance / 2;
  return verdict;
}

std::string DescribeVerdict(const GrowthVerdict& verdict, const GrowthCheck& check, double scale,
                            const std::string& unit) {
  if (!verdict.enough_samples) {
    return absl::StrFormat("not checked: %d samples after the %.0f s warm-up (need %d)",
                           verdict.window_samples, check.warmup_seconds, kMinWindowSamples);
  }
  return absl::StrFormat(
      "%s: %+.1f %s projected over the window (Theil-Sen %+.3f %s/min), %+.1f %s half-median "
      "rise; tolerance %.0f %s, %d samples over %.0f s after a %.0f s warm-up",
      verdict.growing ? "GROWING" : "flat", verdict.projected_growth / scale, unit,
      verdict.slope_per_second * 60 / scale, unit, verdict.half_median_rise / scale, unit,
      check.tolerance / scale, unit, verdict.window_samples, verdict.window_seconds,
      check.warmup_seconds);
}

}  // namespace liminal::bench
