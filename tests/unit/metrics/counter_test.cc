#include "core/metrics/counter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace liminal::metrics {
namespace {

TEST(CounterTest, IncrementsFromMoreThreadsThanShardsSumExactly) {
  Counter counter;
  constexpr int kThreads = static_cast<int>(Counter::kShards) + 3;
  constexpr uint64_t kPerThread = 20'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter, t] {
      for (uint64_t i = 0; i < kPerThread; ++i) counter.Increment(t % 2 == 0 ? 1 : 2);
    });
  }
  for (std::thread& thread : threads) thread.join();
  uint64_t expected = 0;
  for (int t = 0; t < kThreads; ++t) expected += kPerThread * (t % 2 == 0 ? 1 : 2);
  EXPECT_EQ(counter.Value(), expected);
}

TEST(CounterTest, StartsAtZeroAndCountsOnOneThread) {
  Counter counter;
  EXPECT_EQ(counter.Value(), 0u);
  counter.Increment();
  counter.Increment(41);
  EXPECT_EQ(counter.Value(), 42u);
}

}  // namespace
}  // namespace liminal::metrics
