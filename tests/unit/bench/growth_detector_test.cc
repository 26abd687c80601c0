// The soak run's growth detector on synthetic series: a flat but noisy server passes, a leak
// of a few KiB per churned connection fails, and warm-up growth is not held against it.
#include "bench/growth_detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace liminal::bench {
namespace {

constexpr double kMiB = 1 << 20;
constexpr double kKiB = 1 << 10;
// The 20-minute soak: a sample every 5 s, 5 minutes of warm-up.
constexpr double kDurationSeconds = 20 * 60;
constexpr double kIntervalSeconds = 5;
constexpr GrowthCheck kRssCheck{.warmup_seconds = 300, .tolerance = 16 * kMiB};
constexpr GrowthCheck kFdCheck{.warmup_seconds = 300, .tolerance = 32};
// Churned connections per second in the soak's default mix (about 100).
constexpr double kChurnPerSecond = 100;

// value(t) for every sample time, plus Gaussian noise of `sigma` (seeded: the series is the
// same on every run).
template <typename F>
std::vector<SeriesPoint> Series(F value, double sigma, uint32_t seed = 1) {
  std::mt19937 random(seed);
  std::normal_distribution<double> noise(0, sigma);
  std::vector<SeriesPoint> series;
  for (double t = 0; t <= kDurationSeconds; t += kIntervalSeconds) {
    series.push_back({.seconds = t, .value = value(t) + noise(random)});
  }
  return series;
}

TEST(GrowthDetectorTest, FlatNoisyRssPasses) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    const auto series = Series([](double) { return 60 * kMiB; }, 4 * kMiB, seed);
    const GrowthVerdict verdict = DetectGrowth(series, kRssCheck);
    EXPECT_TRUE(verdict.enough_samples);
    EXPECT_FALSE(verdict.growing) << DescribeVerdict(verdict, kRssCheck, kMiB, "MiB");
    EXPECT_LT(std::abs(verdict.projected_growth), 4 * kMiB);
  }
}

TEST(GrowthDetectorTest, SpikesAndSawtoothPass) {
  // The allocator returns memory in steps; every tenth sample is a 40 MiB spike.
  std::vector<SeriesPoint> series =
      Series([](double t) { return 60 * kMiB + std::fmod(t, 120) / 120 * 12 * kMiB; }, 1 * kMiB);
  for (size_t i = 0; i < series.size(); i += 10) series[i].value += 40 * kMiB;
  // The spikes bunch up at the end, too.
  for (size_t i = series.size() - 12; i < series.size(); i += 3) series[i].value += 40 * kMiB;
  const GrowthVerdict verdict = DetectGrowth(series, kRssCheck);
  EXPECT_FALSE(verdict.growing) << DescribeVerdict(verdict, kRssCheck, kMiB, "MiB");
}

TEST(GrowthDetectorTest, GrowthDuringWarmupOnlyPasses) {
  // Caches fill for the first four minutes (+100 MiB), then stay put.
  const auto series =
      Series([](double t) { return 40 * kMiB + std::min(t, 240.0) / 240 * 100 * kMiB; }, 3 * kMiB);
  const GrowthVerdict verdict = DetectGrowth(series, kRssCheck);
  EXPECT_FALSE(verdict.growing) << DescribeVerdict(verdict, kRssCheck, kMiB, "MiB");
}

TEST(GrowthDetectorTest, LeakOfTwoKiBPerChurnedConnectionFails) {
  // 2 KiB per churned connection, 100 churns/s: ~176 MiB over the 15-minute window.
  const double leak_per_second = 2 * kKiB * kChurnPerSecond;
  const auto series = Series([&](double t) { return 60 * kMiB + leak_per_second * t; }, 4 * kMiB);
  const GrowthVerdict verdict = DetectGrowth(series, kRssCheck);
  EXPECT_TRUE(verdict.growing) << DescribeVerdict(verdict, kRssCheck, kMiB, "MiB");
  EXPECT_NEAR(verdict.slope_per_second, leak_per_second, leak_per_second * 0.1);
}

TEST(GrowthDetectorTest, SmallestDetectableLeakMatchesTheTolerance) {
  // 16 MiB over 900 s at 100 churns/s is ~186 B per churned connection: a leak of 300 B per
  // churn fails, one of 100 B passes (it is within the tolerance).
  for (const auto& expectation : std::vector<std::pair<double, bool>>{{300, true}, {100, false}}) {
    const double bytes_per_churn = expectation.first;
    const auto series = Series(
        [&](double t) { return 60 * kMiB + bytes_per_churn * kChurnPerSecond * t; }, 2 * kMiB);
    const GrowthVerdict verdict = DetectGrowth(series, kRssCheck);
    EXPECT_EQ(verdict.growing, expectation.second)
        << bytes_per_churn << " B/churn: " << DescribeVerdict(verdict, kRssCheck, kMiB, "MiB");
  }
}

TEST(GrowthDetectorTest, FlatFdsWithChurnNoisePass) {
  // ~1,000 held connections, plus 0..250 churning ones open at any sampled moment.
  std::mt19937 random(7);
  std::binomial_distribution<int> open_churners(250, 0.6);
  std::vector<SeriesPoint> series;
  for (double t = 0; t <= kDurationSeconds; t += kIntervalSeconds) {
    series.push_back({.seconds = t, .value = 760.0 + open_churners(random)});
  }
  const GrowthVerdict verdict = DetectGrowth(series, kFdCheck);
  EXPECT_FALSE(verdict.growing) << DescribeVerdict(verdict, kFdCheck, 1, "fds");
}

TEST(GrowthDetectorTest, FdLeakOfOnePerThousandChurnsFails) {
  std::mt19937 random(7);
  std::binomial_distribution<int> open_churners(250, 0.6);
  std::vector<SeriesPoint> series;
  for (double t = 0; t <= kDurationSeconds; t += kIntervalSeconds) {
    const double leaked = std::floor(t * kChurnPerSecond / 1000);
    series.push_back({.seconds = t, .value = 760.0 + open_churners(random) + leaked});
  }
  const GrowthVerdict verdict = DetectGrowth(series, kFdCheck);
  EXPECT_TRUE(verdict.growing) << DescribeVerdict(verdict, kFdCheck, 1, "fds");
}

TEST(GrowthDetectorTest, TooFewSamplesIsNotAVerdict) {
  std::vector<SeriesPoint> series;
  for (int i = 0; i < 10; ++i) series.push_back({.seconds = i * 60.0, .value = i * 100 * kMiB});
  // Only the samples at 300, 360, ..., 540 s are past the warm-up: 5 < kMinWindowSamples.
  const GrowthVerdict verdict = DetectGrowth(series, kRssCheck);
  EXPECT_FALSE(verdict.enough_samples);
  EXPECT_FALSE(verdict.growing);
  EXPECT_EQ(verdict.window_samples, 5u);
}

TEST(GrowthDetectorTest, DescribesTheVerdict) {
  const auto series = Series([](double t) { return 60 * kMiB + 100 * kKiB * t; }, 0);
  const GrowthVerdict verdict = DetectGrowth(series, kRssCheck);
  const std::string text = DescribeVerdict(verdict, kRssCheck, kMiB, "MiB");
  EXPECT_NE(text.find("GROWING"), std::string::npos) << text;
  EXPECT_NE(text.find("tolerance 16 MiB"), std::string::npos) << text;
}

}  // namespace
}  // namespace liminal::bench
