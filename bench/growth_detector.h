// Growth detection for the soak run (soak.h): decides whether a series sampled from the
// server (resident memory, open descriptors) keeps growing after a warm-up, in a way that a
// flat but noisy series passes and a steady leak fails.
//
//   std::vector<SeriesPoint> rss = {{0.0, 41e6}, {5.0, 42e6}, ...};   // seconds, bytes
//   GrowthVerdict v = DetectGrowth(rss, {.warmup_seconds = 300, .tolerance = 16 << 20});
//   if (v.growing) ...   // v.projected_growth, v.half_median_rise say by how much
//
// The rule: only the samples after `warmup_seconds` count (the "window"). The growth over
// the window is estimated twice, and the series is growing only when both estimates exceed
// `tolerance` (resp. half of it for the second, which sees half the window):
//   * the Theil-Sen slope (the median of the slopes between every pair of samples) times the
//     window's length: robust to outliers (up to ~29 % of the samples) and to noise, unlike
//     a least-squares fit;
//   * the median of the window's later half minus the median of its earlier half, which a
//     few spikes or one sawtooth tooth cannot move.
// A steady leak of G over the window gives ~G and ~G/2; a flat series gives ~0 for both.
// Fewer than kMinWindowSamples samples in the window is "not enough samples", never growing.
//
// Thread-safety: pure functions.
#ifndef LIMINAL_BENCH_GROWTH_DETECTOR_H_
#define LIMINAL_BENCH_GROWTH_DETECTOR_H_

#include <cstddef>
#include <span>
#include <string>

namespace liminal::bench {

struct SeriesPoint {
  double seconds = 0;  // since the series began
  double value = 0;
};

struct GrowthCheck {
  double warmup_seconds = 0;
  // Largest growth over the window that still counts as flat, in the series' unit.
  double tolerance = 0;
};

struct GrowthVerdict {
  bool enough_samples = false;
  bool growing = false;
  size_t window_samples = 0;
  double window_seconds = 0;    // from the first to the last sample of the window
  double slope_per_second = 0;  // Theil-Sen
  double projected_growth = 0;  // slope_per_second * window_seconds
  double first_half_median = 0;
  double second_half_median = 0;
  double half_median_rise = 0;  // second_half_median - first_half_median
};

inline constexpr size_t kMinWindowSamples = 6;

GrowthVerdict DetectGrowth(std::span<const SeriesPoint> series, const GrowthCheck& check);

// One line for the report, e.g. "flat: +1.2 MiB projected, +0.4 MiB half-median rise
// (tolerance 16 MiB, 180 samples over 900 s)". `scale` divides every value (1 << 20 for MiB)
// and `unit` names the scaled unit.
std::string DescribeVerdict(const GrowthVerdict& verdict, const GrowthCheck& check, double scale,
                            const std::string& unit);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_GROWTH_DETECTOR_H_
