// SystemMutex (AwaitWithTimeout) and SystemRandom.
#include "io/runtime/system_mutex.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "io/runtime/asio_runtime.h"
#include "io/runtime/system_random.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io {
namespace {

using testing::kEventTimeout;

TEST(SystemMutexTest, AwaitReturnsOnceAnotherThreadMakesTheConditionTrue) {
  AsioRuntime rt({.scheduler_threads = 2});
  rt.Start();
  std::unique_ptr<runtime::Mutex> mu = rt.NewMutex();
  bool ready = false;
  bool result = false;
  {
    runtime::MutexLock lock(*mu);
    rt.scheduler().Post([&] {
      runtime::MutexLock inner(*mu);  // blocks until Await releases the mutex
      ready = true;
    });
    result = mu->AwaitWithTimeout([&] { return ready; }, kEventTimeout);
    EXPECT_TRUE(ready);
  }
  EXPECT_TRUE(result);
}

TEST(SystemMutexTest, AwaitTimesOutWithTheConditionFalse) {
  SystemMutex mu;
  const absl::Time start = absl::Now();
  bool result = true;
  {
    runtime::MutexLock lock(mu);
    result = mu.AwaitWithTimeout([] { return false; }, absl::Milliseconds(50));
  }
  EXPECT_FALSE(result);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(50));
}

TEST(SystemMutexTest, AwaitReturnsImmediatelyWhenAlreadyTrue) {
  SystemMutex mu;
  runtime::MutexLock lock(mu);
  EXPECT_TRUE(mu.AwaitWithTimeout([] { return true; }, absl::ZeroDuration()));
}

TEST(SystemMutexTest, ProvidesMutualExclusion) {
  SystemMutex mu;
  int64_t counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        runtime::MutexLock lock(mu);
        ++counter;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter, 400000);
}

TEST(SystemRandomTest, SameSeedSameSequenceDifferentSeedDifferentSequence) {
  SystemRandom a(42), b(42), c(43);
  std::vector<uint64_t> sa, sb, sc;
  for (int i = 0; i < 100; ++i) {
    sa.push_back(a.Next());
    sb.push_back(b.Next());
    sc.push_back(c.Next());
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

TEST(SystemRandomTest, RuntimeSeedOptionFixesTheSequence) {
  AsioRuntime a({.scheduler_threads = 1, .random_seed = 7});
  AsioRuntime b({.scheduler_threads = 1, .random_seed = 7});
  EXPECT_EQ(a.random().Next(), b.random().Next());
  // Unseeded generators start from std::random_device.
  SystemRandom x, y;
  EXPECT_NE(x.Next(), y.Next());
}

TEST(SystemRandomTest, UniformStaysInBounds) {
  SystemRandom random(1);
  for (int i = 0; i < 10000; ++i) EXPECT_LT(random.Uniform(7), 7u);
  EXPECT_EQ(random.Uniform(0), 0u);
}

// SplitMix64 mixes a bijection of the counter, so concurrent draws are all distinct exactly
// when no two threads ever got the same counter value.
TEST(SystemRandomTest, ConcurrentDrawsNeverRepeat) {
  SystemRandom random(99);
  constexpr int kThreads = 4;
  constexpr int kDraws = 50000;
  std::vector<std::vector<uint64_t>> draws(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kDraws; ++i) draws[t].push_back(random.Next());
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<uint64_t> all;
  for (auto& d : draws) all.insert(all.end(), d.begin(), d.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
}

}  // namespace
}  // namespace liminal::io
