// The fiber kernel: switch points interleave fibers under the seeded strategy, virtual
// time only moves when nothing is runnable, mutexes exclude, AwaitWithTimeout wakes on a
// release or at its virtual deadline, timers fire in order and can be cancelled.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/pct_strategy.h"
#include "sim/runtime/sim_mutex.h"
#include "sim/runtime/sim_runtime.h"
#include "tests/sim/models/null_observer.h"

namespace liminal::sim {
namespace {

// Two fibers append to a shared log around switch points; returns the interleaving.
std::string Interleave(StrategyKind kind, uint64_t seed) {
  Trace trace;
  FiberKernel kernel(MakeStrategy(kind, seed), trace);
  std::string log;
  for (char name : {'a', 'b', 'c'}) {
    kernel.Spawn(std::string(1, name), [&kernel, &log, name] {
      for (int i = 0; i < 6; ++i) {
        log.push_back(name);
        kernel.SwitchPoint(SwitchKind::kYield);
      }
    });
  }
  NullObserver observer;
  EXPECT_EQ(kernel.Run(observer, {}), KernelStop::kQuiescent);
  return log;
}

TEST(FiberKernelTest, SameSeedSameInterleavingDifferentSeedsDiffer) {
  EXPECT_EQ(Interleave(StrategyKind::kRandom, 7), Interleave(StrategyKind::kRandom, 7));
  std::vector<std::string> seen;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const std::string log = Interleave(StrategyKind::kRandom, seed);
    EXPECT_EQ(log.size(), 18u);
    if (std::find(seen.begin(), seen.end(), log) == seen.end()) seen.push_back(log);
  }
  EXPECT_GT(seen.size(), 10u) << "switch points should produce many interleavings";
}

TEST(FiberKernelTest, PctRunsTheHighestPriorityFiberUntilItBlocks) {
  // With one priority and no change point (d = 1), a fiber keeps running through its
  // switch points: the log is three unbroken runs.
  Trace trace;
  FiberKernel kernel(std::make_unique<PctStrategy>(3, 1, 100), trace);
  std::string log;
  for (char name : {'a', 'b', 'c'}) {
    kernel.Spawn(std::string(1, name), [&kernel, &log, name] {
      for (int i = 0; i < 4; ++i) {
        log.push_back(name);
        kernel.SwitchPoint(SwitchKind::kYield);
      }
    });
  }
  NullObserver observer;
  kernel.Run(observer, {});
  ASSERT_EQ(log.size(), 12u);
  for (size_t i = 0; i < 12; i += 4) EXPECT_EQ(log.substr(i, 4), std::string(4, log[i])) << log;
}

TEST(FiberKernelTest, VirtualTimeAdvancesOnlyWhenNothingIsRunnable) {
  Trace trace;
  FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, 1), trace);
  absl::Time woke;
  int busy_steps_before_wake = -1;
  int busy_steps = 0;
  kernel.Spawn("sleeper", [&] {
    kernel.SleepFor(absl::Milliseconds(5));
    woke = kernel.Now();
    busy_steps_before_wake = busy_steps;
  });
  kernel.Spawn("busy", [&] {
    for (int i = 0; i < 50; ++i) {
      ++busy_steps;
      kernel.SwitchPoint(SwitchKind::kYield);
    }
  });
  NullObserver observer;
  EXPECT_EQ(kernel.Run(observer, {}), KernelStop::kQuiescent);
  EXPECT_EQ(woke - kernel.start(), absl::Milliseconds(5));
  EXPECT_EQ(busy_steps_before_wake, 50);
}

TEST(FiberKernelTest, TimersFireInDeadlineOrderAndCancelledOnesNever) {
  Trace trace;
  FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, 2), trace);
  std::vector<int> fired;
  kernel.RunAt(kernel.start() + absl::Milliseconds(3), "t3", [&] { fired.push_back(3); });
  kernel.RunAt(kernel.start() + absl::Milliseconds(1), "t1", [&] { fired.push_back(1); });
  const KernelTimerId doomed =
      kernel.RunAt(kernel.start() + absl::Milliseconds(2), "t2", [&] { fired.push_back(2); });
  EXPECT_TRUE(kernel.CancelTimer(doomed));
  EXPECT_FALSE(kernel.CancelTimer(doomed));
  NullObserver observer;
  kernel.Run(observer, {});
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_EQ(kernel.Now() - kernel.start(), absl::Milliseconds(3));
}

TEST(FiberKernelTest, StepLimitStopsALivelock) {
  Trace trace;
  FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, 3), trace);
  kernel.Spawn("spinner", [&] {
    for (;;) kernel.SwitchPoint(SwitchKind::kYield);
  });
  NullObserver observer;
  KernelLimits limits;
  limits.max_steps = 1000;
  EXPECT_EQ(kernel.Run(observer, limits), KernelStop::kStepLimit);
  EXPECT_EQ(kernel.DescribeLiveFibers().size(), 1u);  // abandoned at destruction
}

TEST(SimMutexTest, ExcludesUnderEveryInterleaving) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    Trace trace;
    FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, seed), trace);
    SimMutex mu(kernel, 1);
    int inside = 0;
    int max_inside = 0;
    int total = 0;
    for (int f = 0; f < 4; ++f) {
      kernel.Spawn(absl::StrCat("f", f), [&] {
        for (int i = 0; i < 5; ++i) {
          runtime::MutexLock lock(mu);
          ++inside;
          max_inside = std::max(max_inside, inside);
          kernel.SwitchPoint(SwitchKind::kYield);  // preempted inside the critical section
          ++total;
          --inside;
        }
      });
    }
    NullObserver observer;
    ASSERT_EQ(kernel.Run(observer, {}), KernelStop::kQuiescent) << "seed " << seed;
    EXPECT_EQ(max_inside, 1) << "seed " << seed;
    EXPECT_EQ(total, 20);
    EXPECT_EQ(kernel.locks_held(), 0);
  }
}

TEST(SimMutexTest, AwaitWakesWhenAnotherFiberReleasesWithTheConditionTrue) {
  Trace trace;
  FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, 4), trace);
  SimMutex mu(kernel, 1);
  bool ready = false;
  bool result = false;
  absl::Duration waited;
  kernel.Spawn("waiter", [&] {
    runtime::MutexLock lock(mu);
    const absl::Time start = kernel.Now();
    result = mu.AwaitWithTimeout([&] { return ready; }, absl::Seconds(10));
    waited = kernel.Now() - start;
  });
  kernel.Spawn("setter", [&] {
    kernel.SleepFor(absl::Milliseconds(7));
    runtime::MutexLock lock(mu);
    ready = true;
  });
  NullObserver observer;
  EXPECT_EQ(kernel.Run(observer, {}), KernelStop::kQuiescent);
  EXPECT_TRUE(result);
  EXPECT_EQ(waited, absl::Milliseconds(7));
}

TEST(SimMutexTest, AwaitTimesOutAtItsVirtualDeadline) {
  Trace trace;
  FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, 5), trace);
  SimMutex mu(kernel, 1);
  bool result = true;
  absl::Duration waited;
  int unrelated_releases = 0;
  kernel.Spawn("waiter", [&] {
    runtime::MutexLock lock(mu);
    const absl::Time start = kernel.Now();
    result = mu.AwaitWithTimeout([] { return false; }, absl::Milliseconds(30));
    waited = kernel.Now() - start;
  });
  kernel.Spawn("noise", [&] {
    for (int i = 0; i < 3; ++i) {  // releases re-check the waiter, which keeps waiting
      kernel.SleepFor(absl::Milliseconds(5));
      runtime::MutexLock lock(mu);
      ++unrelated_releases;
    }
  });
  NullObserver observer;
  kernel.Run(observer, {});
  EXPECT_FALSE(result);
  EXPECT_EQ(waited, absl::Milliseconds(30));
  EXPECT_EQ(unrelated_releases, 3);
}

TEST(SimMutexTest, TwoAwaitersWithFalseConditionsDoNotPingPong) {
  Trace trace;
  FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, 6), trace);
  SimMutex mu(kernel, 1);
  for (int i = 0; i < 2; ++i) {
    kernel.Spawn(absl::StrCat("waiter", i), [&] {
      runtime::MutexLock lock(mu);
      mu.AwaitWithTimeout([] { return false; }, absl::Milliseconds(10));
    });
  }
  NullObserver observer;
  KernelLimits limits;
  limits.max_steps = 200;
  EXPECT_EQ(kernel.Run(observer, limits), KernelStop::kQuiescent);
}

}  // namespace
}  // namespace liminal::sim
