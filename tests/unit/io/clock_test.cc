// AsioClock: monotonic Now(), timers that fire on the io_context after their delay, and
// race-free Cancel.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "io/runtime/asio_clock.h"
#include "io/runtime/asio_runtime.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io {
namespace {

using testing::Countdown;
using ::testing::ElementsAre;
using testing::EventLog;
using testing::kEventTimeout;

class ClockTest : public ::testing::Test {
 protected:
  explicit ClockTest(size_t threads = 1) : runtime_({.scheduler_threads = threads}) {
    runtime_.Start();
  }
  AsioClock& clock() { return runtime_.clock(); }
  AsioRuntime runtime_;
};

TEST_F(ClockTest, NowIsMonotonic) {
  absl::Time previous = clock().Now();
  for (int i = 0; i < 10000; ++i) {
    const absl::Time now = clock().Now();
    ASSERT_GE(now, previous);
    previous = now;
  }
}

TEST_F(ClockTest, TimerFiresAfterItsDelayOnARuntimeThread) {
  const absl::Time armed = clock().Now();
  std::atomic<bool> on_runtime{false};
  absl::Time fired_at;
  absl::Notification fired;
  clock().RunAfter(absl::Milliseconds(30), [&] {
    fired_at = clock().Now();
    on_runtime = runtime_.IsRuntimeThread();
    fired.Notify();
  });
  EXPECT_EQ(clock().pending_timers(), 1u);
  ASSERT_TRUE(fired.WaitForNotificationWithTimeout(kEventTimeout));
  EXPECT_GE(fired_at - armed, absl::Milliseconds(30));
  EXPECT_TRUE(on_runtime.load());
  EXPECT_EQ(clock().pending_timers(), 0u);
}

TEST_F(ClockTest, TimersFireInDeadlineOrderAndNegativeDelaysAreImmediate) {
  EventLog<int> order;
  clock().RunAfter(absl::Milliseconds(40), [&] { order.Add(3); });
  clock().RunAfter(absl::Milliseconds(20), [&] { order.Add(2); });
  clock().RunAfter(-absl::Seconds(5), [&] { order.Add(1); });
  ASSERT_TRUE(order.WaitForSize(3));
  EXPECT_THAT(order.Snapshot(), ElementsAre(1, 2, 3));
}

TEST_F(ClockTest, CancelledTimerNeverFires) {
  std::atomic<bool> cancelled_ran{false};
  const runtime::TimerId doomed =
      clock().RunAfter(absl::Milliseconds(10), [&] { cancelled_ran = true; });
  EXPECT_TRUE(clock().Cancel(doomed));
  EXPECT_FALSE(clock().Cancel(doomed));  // already cancelled
  // One thread runs timers in deadline order: once a later timer fired, the cancelled one
  // would have run already.
  absl::Notification sentinel;
  clock().RunAfter(absl::Milliseconds(40), [&] { sentinel.Notify(); });
  ASSERT_TRUE(sentinel.WaitForNotificationWithTimeout(kEventTimeout));
  EXPECT_FALSE(cancelled_ran.load());
  EXPECT_FALSE(clock().Cancel(12345));  // never armed
}

TEST_F(ClockTest, CancelAfterFiringReturnsFalse) {
  absl::Notification fired;
  const runtime::TimerId id = clock().RunAfter(absl::ZeroDuration(), [&] { fired.Notify(); });
  ASSERT_TRUE(fired.WaitForNotificationWithTimeout(kEventTimeout));
  EXPECT_FALSE(clock().Cancel(id));
}

TEST_F(ClockTest, InfiniteDelayNeverFiresAndCanBeCancelled) {
  const runtime::TimerId id = clock().RunAfter(absl::InfiniteDuration(), [] {});
  EXPECT_EQ(clock().pending_timers(), 1u);
  EXPECT_TRUE(clock().Cancel(id));
}

class MultiThreadClockTest : public ClockTest {
 protected:
  MultiThreadClockTest() : ClockTest(4) {}
};

// Cancel racing the expiry on four threads: for every timer exactly one of "Cancel returned
// true" and "the callback ran" happens.
TEST_F(MultiThreadClockTest, CancelRacingExpiryIsExactlyOneOrTheOther) {
  constexpr int kTimers = 5000;
  std::vector<std::atomic<int>> ran(kTimers);
  std::vector<runtime::TimerId> ids(kTimers);
  Countdown settled(kTimers);  // one per timer: its callback ran, or Cancel returned true
  for (int i = 0; i < kTimers; ++i) {
    // Even timers are due at once (racing Cancel); odd ones are certainly still pending.
    const absl::Duration delay = i % 2 == 0 ? absl::ZeroDuration() : absl::Seconds(60);
    ids[i] = clock().RunAfter(delay, [&ran, &settled, i] {
      ran[i]++;
      settled.Decrement();
    });
  }
  std::vector<bool> cancelled(kTimers);
  for (int i = 0; i < kTimers; ++i) {
    cancelled[i] = clock().Cancel(ids[i]);
    if (cancelled[i]) settled.Decrement();
  }
  ASSERT_TRUE(settled.WaitFor()) << settled.remaining() << " timers neither ran nor cancelled";
  // After Join nothing can run any more, so the counts below are final.
  runtime_.Stop();
  runtime_.Join();
  int fired = 0;
  for (int i = 0; i < kTimers; ++i) {
    EXPECT_EQ(ran[i].load(), cancelled[i] ? 0 : 1) << "timer " << i;
    fired += ran[i].load();
  }
  EXPECT_EQ(clock().pending_timers(), 0u);
  EXPECT_LE(fired, kTimers / 2);
  RecordProperty("fired_before_cancel", fired);
}

}  // namespace
}  // namespace liminal::io
