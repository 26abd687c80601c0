#include "core/metrics/histogram.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/metrics/counter.h"
#include "core/metrics/gauge.h"

namespace liminal::metrics {
namespace {

using ::testing::ElementsAre;

TEST(CounterTest, CountsUp) {
  Counter counter;
  EXPECT_EQ(counter.Value(), 0u);
  counter.Increment();
  counter.Increment(41);
  EXPECT_EQ(counter.Value(), 42u);
}

TEST(GaugeTest, GoesUpAndDown) {
  Gauge gauge;
  gauge.Increment();
  gauge.Increment();
  gauge.Decrement();
  gauge.Add(-5);
  EXPECT_EQ(gauge.Value(), -4);
  gauge.Set(7);
  EXPECT_EQ(gauge.Value(), 7);
}

TEST(HistogramTest, BucketsAreInclusiveUpperBounds) {
  Histogram histogram({0.1, 1, 10});
  for (double value : {0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 11.0, 1e9}) histogram.Observe(value);
  const Histogram::Snapshot snapshot = histogram.Snap();
  EXPECT_THAT(snapshot.upper_bounds, ElementsAre(0.1, 1, 10));
  // <=0.1: 0.05, 0.1 | <=1: +0.5, 1.0 | <=10: +5, 10 | +Inf: +11, 1e9
  EXPECT_THAT(snapshot.cumulative_counts, ElementsAre(2u, 4u, 6u, 8u));
  EXPECT_EQ(snapshot.count, 8u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 0.05 + 0.1 + 0.5 + 1.0 + 5.0 + 10.0 + 11.0 + 1e9);
}

TEST(HistogramTest, IgnoresNaNAndCountsInfinityInTheLastBucket) {
  Histogram histogram({1});
  histogram.Observe(std::nan(""));
  histogram.Observe(-INFINITY);
  histogram.Observe(INFINITY);
  const Histogram::Snapshot snapshot = histogram.Snap();
  EXPECT_THAT(snapshot.cumulative_counts, ElementsAre(1u, 2u));
}

TEST(HistogramTest, NormalisesItsBounds) {
  Histogram histogram({5, 1, 5, INFINITY, std::nan("")});
  EXPECT_THAT(histogram.upper_bounds(), ElementsAre(1, 5));
}

TEST(HistogramTest, LatencyBucketsAreStrictlyIncreasingSeconds) {
  const std::vector<double> bounds = LatencySecondsBuckets();
  ASSERT_GE(bounds.size(), 10u);
  EXPECT_DOUBLE_EQ(bounds.front(), 0.0001);
  EXPECT_DOUBLE_EQ(bounds.back(), 10);
  for (size_t i = 1; i < bounds.size(); ++i) EXPECT_LT(bounds[i - 1], bounds[i]);
}

}  // namespace
}  // namespace liminal::metrics
