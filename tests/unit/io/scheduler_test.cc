// AsioScheduler on a real multi-threaded io_context: ordering, mutual exclusion of slices,
// exit and Kill semantics, monitors (kNoProc included), Post, fairness and teardown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "io/runtime/asio_runtime.h"
#include "io/runtime/asio_scheduler.h"
#include "tests/unit/io/lambda_process.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io {
namespace {

using runtime::ExitKind;
using runtime::ExitReason;
using runtime::Message;
using runtime::Pid;
using runtime::ProcessContext;
using runtime::TimerFired;
using testing::Countdown;
using ::testing::ElementsAre;
using testing::EventLog;
using testing::kEventTimeout;
using testing::LambdaProcess;

struct ExitRecord {
  Pid pid;
  ExitKind kind;
  std::string detail;
  bool alive_at_callback;
};

uint64_t TagOf(const Message& message) { return std::get<TimerFired>(message).tag; }

class SchedulerTest : public ::testing::Test {
 protected:
  explicit SchedulerTest(size_t threads = 4) : runtime_({.scheduler_threads = threads}) {
    runtime_.Start();
  }
  ~SchedulerTest() override {
    runtime_.Stop();
    runtime_.Join();
  }
  AsioScheduler& scheduler() { return runtime_.scheduler(); }

  // Installs a monitor that records into `log`.
  void Watch(Pid pid, EventLog<ExitRecord>& log) {
    scheduler().Monitor(pid, [this, &log](Pid p, const ExitReason& why) {
      log.Add({p, why.kind, why.detail, scheduler().IsAlive(p)});
    });
  }

  AsioRuntime runtime_;
};

class SingleThreadSchedulerTest : public SchedulerTest {
 protected:
  SingleThreadSchedulerTest() : SchedulerTest(1) {}
};

TEST_F(SchedulerTest, OnStartRunsFirstThenMessagesInSendOrder) {
  constexpr int kMessages = 2000;
  EventLog<int64_t> seen;
  const Pid pid = scheduler().Spawn(
      std::make_unique<LambdaProcess>(
          [&](ProcessContext&) { seen.Add(-1); },
          [&](ProcessContext&, Message& m) { seen.Add(static_cast<int64_t>(TagOf(m))); }),
      {.name = "ordered"});
  EXPECT_NE(pid, runtime::kNoPid);
  for (int i = 0; i < kMessages; ++i) ASSERT_TRUE(scheduler().Send(pid, TimerFired{uint64_t(i)}));
  ASSERT_TRUE(seen.WaitForSize(kMessages + 1));
  std::vector<int64_t> expected = {-1};
  for (int i = 0; i < kMessages; ++i) expected.push_back(i);
  EXPECT_EQ(seen.Snapshot(), expected);
}

TEST_F(SchedulerTest, PidsStartAtOneAndAreNeverReused) {
  Countdown exited(3);
  std::vector<Pid> pids;
  for (int i = 0; i < 3; ++i) {
    pids.push_back(
        scheduler().Spawn(std::make_unique<LambdaProcess>(
                              [](ProcessContext& ctx) { ctx.Exit(ExitReason::Normal()); }, nullptr),
                          {.name = "short"}));
    scheduler().Monitor(pids.back(), [&](Pid, const ExitReason&) { exited.Decrement(); });
  }
  ASSERT_TRUE(exited.WaitFor());
  const Pid next = scheduler().Spawn(std::make_unique<LambdaProcess>(nullptr, nullptr), {});
  EXPECT_THAT(pids, ElementsAre(1, 2, 3));
  EXPECT_EQ(next, 4u);
}

// Four threads, eight processes, four outside senders: slices of one process never overlap,
// and each sender's messages arrive in the order it sent them.
TEST_F(SchedulerTest, SlicesOfOneProcessNeverOverlapAndPerSenderOrderHolds) {
  constexpr int kProcesses = 8;
  constexpr int kSenders = 4;
  constexpr uint64_t kPerSender = 5000;

  struct State {
    std::atomic<int> in_slice{0};
    std::atomic<int> overlaps{0};
    std::vector<uint64_t> next_seq = std::vector<uint64_t>(kSenders, 0);  // slice-only
    std::atomic<int> order_violations{0};
  };
  std::vector<std::unique_ptr<State>> states;
  std::vector<Pid> pids;
  std::atomic<int> max_parallel{0};
  std::atomic<uint64_t> sink{0};
  std::atomic<int> running{0};
  Countdown received(kProcesses * kSenders * kPerSender);

  for (int p = 0; p < kProcesses; ++p) {
    states.push_back(std::make_unique<State>());
    State* s = states.back().get();
    pids.push_back(scheduler().Spawn(
        std::make_unique<LambdaProcess>(nullptr,
                                        [&, s](ProcessContext&, Message& m) {
                                          if (s->in_slice.fetch_add(1) != 0) s->overlaps++;
                                          const int now = running.fetch_add(1) + 1;
                                          int prev = max_parallel.load();
                                          while (now > prev &&
                                                 !max_parallel.compare_exchange_weak(prev, now)) {
                                          }
                                          const uint64_t tag = TagOf(m);
                                          const size_t sender = tag >> 32;
                                          const uint64_t seq = tag & 0xffffffffu;
                                          if (s->next_seq[sender] != seq) s->order_violations++;
                                          s->next_seq[sender] = seq + 1;
                                          uint64_t work = tag;  // widen the window for an overlap
                                          for (int k = 0; k < 200; ++k)
                                            work = work * 6364136223846793005u + 1;
                                          sink += work;
                                          running.fetch_sub(1);
                                          s->in_slice.fetch_sub(1);
                                          received.Decrement();
                                        }),
        {.name = "worker"}));
  }
  std::vector<std::thread> senders;
  for (int sender = 0; sender < kSenders; ++sender) {
    senders.emplace_back([&, sender] {
      for (uint64_t seq = 0; seq < kPerSender; ++seq) {
        for (Pid pid : pids) {
          scheduler().Send(pid, TimerFired{(uint64_t(sender) << 32) | seq});
        }
      }
    });
  }
  for (std::thread& t : senders) t.join();
  ASSERT_TRUE(received.WaitFor(absl::Seconds(60))) << received.remaining() << " left";
  for (const auto& s : states) {
    EXPECT_EQ(s->overlaps.load(), 0);
    EXPECT_EQ(s->order_violations.load(), 0);
  }
  // Different processes did run in parallel (the test really exercised several threads).
  EXPECT_GT(max_parallel.load(), 1);
}

TEST_F(SchedulerTest, ExitEndsProcessDestroysItThenNotifiesMonitors) {
  EventLog<ExitRecord> exits;
  std::atomic<bool> destroyed{false};
  std::atomic<bool> destroyed_before_monitor{false};
  EventLog<uint64_t> handled;
  const Pid pid = scheduler().Spawn(std::make_unique<LambdaProcess>(
                                        nullptr,
                                        [&](ProcessContext& ctx, Message& m) {
                                          handled.Add(TagOf(m));
                                          if (TagOf(m) == 1)
                                            ctx.Exit(ExitReason::Error("bad input"));
                                          if (TagOf(m) == 1)
                                            ctx.Exit(ExitReason::Normal());  // the first call wins
                                        },
                                        [&] { destroyed = true; }),
                                    {.name = "exiting"});
  scheduler().Monitor(pid, [&](Pid p, const ExitReason& why) {
    destroyed_before_monitor = destroyed.load();
    exits.Add({p, why.kind, why.detail, scheduler().IsAlive(p)});
  });
  ASSERT_TRUE(scheduler().Send(pid, TimerFired{1}));
  ASSERT_TRUE(exits.WaitForSize(1));
  const ExitRecord exit = exits.Snapshot()[0];
  EXPECT_EQ(exit.pid, pid);
  EXPECT_EQ(exit.kind, ExitKind::kError);
  EXPECT_EQ(exit.detail, "bad input");
  EXPECT_FALSE(exit.alive_at_callback);
  EXPECT_TRUE(destroyed_before_monitor.load());
  EXPECT_FALSE(scheduler().IsAlive(pid));
  EXPECT_FALSE(scheduler().Send(pid, TimerFired{2}));
  EXPECT_THAT(handled.Snapshot(), ElementsAre(1));
}

TEST_F(SchedulerTest, SendFailsOnceExitIsRequestedEvenBeforeTheSliceEnds) {
  absl::Notification in_slice;
  absl::Notification release;
  absl::Notification exited;
  const Pid pid = scheduler().Spawn(
      std::make_unique<LambdaProcess>(nullptr,
                                      [&](ProcessContext& ctx, Message&) {
                                        ctx.Exit(ExitReason::Normal());
                                        in_slice.Notify();
                                        release.WaitForNotificationWithTimeout(kEventTimeout);
                                      }),
      {});
  scheduler().Monitor(pid, [&](Pid, const ExitReason&) { exited.Notify(); });
  ASSERT_TRUE(scheduler().Send(pid, TimerFired{1}));
  ASSERT_TRUE(in_slice.WaitForNotificationWithTimeout(kEventTimeout));
  EXPECT_TRUE(scheduler().IsAlive(pid));  // the slice is still running
  EXPECT_FALSE(scheduler().Send(pid, TimerFired{2}));
  release.Notify();
  ASSERT_TRUE(exited.WaitForNotificationWithTimeout(kEventTimeout));
  EXPECT_FALSE(scheduler().IsAlive(pid));
}

TEST_F(SchedulerTest, KillOfAnIdleProcessTerminatesItWithKilled) {
  EventLog<ExitRecord> exits;
  std::atomic<bool> destroyed{false};
  absl::Notification started;
  std::atomic<int> messages{0};
  const Pid pid = scheduler().Spawn(
      std::make_unique<LambdaProcess>([&](ProcessContext&) { started.Notify(); },
                                      [&](ProcessContext&, Message&) { messages++; },
                                      [&] { destroyed = true; }),
      {});
  Watch(pid, exits);
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(kEventTimeout));
  // The kind passed to Kill is overridden: monitors are always told kKilled.
  scheduler().Kill(pid, ExitReason::Error("crash requested"));
  EXPECT_FALSE(scheduler().Send(pid, TimerFired{1}));
  ASSERT_TRUE(exits.WaitForSize(1));
  EXPECT_EQ(exits.Snapshot()[0].kind, ExitKind::kKilled);
  EXPECT_EQ(exits.Snapshot()[0].detail, "crash requested");
  EXPECT_FALSE(exits.Snapshot()[0].alive_at_callback);
  EXPECT_TRUE(destroyed.load());
  EXPECT_EQ(messages.load(), 0);
  scheduler().Kill(pid, ExitReason::Killed("again"));  // no-op on a dead pid
}

TEST_F(SchedulerTest, KillDuringASliceTakesEffectAtTheSliceBoundary) {
  EventLog<ExitRecord> exits;
  absl::Notification in_slice;
  absl::Notification release;
  std::atomic<bool> slice_finished{false};
  EventLog<uint64_t> handled;
  const Pid pid = scheduler().Spawn(
      std::make_unique<LambdaProcess>(nullptr,
                                      [&](ProcessContext&, Message& m) {
                                        handled.Add(TagOf(m));
                                        in_slice.Notify();
                                        release.WaitForNotificationWithTimeout(kEventTimeout);
                                        slice_finished = true;
                                      }),
      {});
  Watch(pid, exits);
  ASSERT_TRUE(scheduler().Send(pid, TimerFired{1}));
  ASSERT_TRUE(scheduler().Send(pid, TimerFired{2}));  // queued behind the running slice
  ASSERT_TRUE(in_slice.WaitForNotificationWithTimeout(kEventTimeout));
  scheduler().Kill(pid, ExitReason::Killed("stop"));
  EXPECT_TRUE(scheduler().IsAlive(pid));  // still inside its slice
  release.Notify();
  ASSERT_TRUE(exits.WaitForSize(1));
  EXPECT_TRUE(slice_finished.load());
  EXPECT_EQ(exits.Snapshot()[0].kind, ExitKind::kKilled);
  EXPECT_THAT(handled.Snapshot(), ElementsAre(1));  // message 2 never ran
}

// A process killed before its first slice never runs OnStart. The runtime is not started
// yet, so the OnStart slice is certainly still queued when Kill arrives.
TEST(SchedulerKillTest, KillBeforeTheFirstSliceSkipsOnStart) {
  AsioRuntime rt({.scheduler_threads = 1});
  std::atomic<bool> started{false};
  EventLog<ExitRecord> exits;
  const Pid pid = rt.scheduler().Spawn(
      std::make_unique<LambdaProcess>([&](ProcessContext&) { started = true; }, nullptr), {});
  rt.scheduler().Monitor(pid, [&](Pid p, const ExitReason& why) {
    exits.Add({p, why.kind, why.detail, false});
  });
  rt.scheduler().Kill(pid, ExitReason::Killed("early"));
  rt.Start();
  ASSERT_TRUE(exits.WaitForSize(1));
  EXPECT_EQ(exits.Snapshot()[0].kind, ExitKind::kKilled);
  EXPECT_FALSE(started.load());
}

TEST_F(SchedulerTest, MonitorOnUnknownOrDeadPidReportsNoProcOffTheCallingThread) {
  EventLog<std::thread::id> threads;
  EventLog<ExitRecord> exits;
  scheduler().Monitor(12345, [&](Pid p, const ExitReason& why) {
    threads.Add(std::this_thread::get_id());
    exits.Add({p, why.kind, why.detail, false});
  });
  ASSERT_TRUE(exits.WaitForSize(1));
  EXPECT_EQ(exits.Snapshot()[0].pid, 12345u);
  EXPECT_EQ(exits.Snapshot()[0].kind, ExitKind::kNoProc);
  EXPECT_NE(threads.Snapshot()[0], std::this_thread::get_id());  // posted, never inline

  Countdown gone(1);
  const Pid pid =
      scheduler().Spawn(std::make_unique<LambdaProcess>(
                            [](ProcessContext& ctx) { ctx.Exit(ExitReason::Normal()); }, nullptr),
                        {});
  scheduler().Monitor(pid, [&](Pid, const ExitReason&) { gone.Decrement(); });
  ASSERT_TRUE(gone.WaitFor());
  Watch(pid, exits);
  ASSERT_TRUE(exits.WaitForSize(2));
  EXPECT_EQ(exits.Snapshot()[1].kind, ExitKind::kNoProc);
}

// A monitor installed right after Spawn never misses the exit, even when the first slice
// exits on another thread before Monitor is called; every monitor fires exactly once.
TEST_F(SchedulerTest, MonitorsFireExactlyOnceAndNeverMissAnExit) {
  constexpr int kProcesses = 500;
  constexpr int kMonitorsEach = 3;
  std::vector<std::atomic<int>> calls(kProcesses * kMonitorsEach);
  std::atomic<int> bad_kinds{0};
  Countdown all(kProcesses * kMonitorsEach);
  std::vector<std::thread> killers;
  for (int i = 0; i < kProcesses; ++i) {
    const bool exits_itself = i % 2 == 0;
    const Pid pid = scheduler().Spawn(
        std::make_unique<LambdaProcess>(
            [exits_itself](ProcessContext& ctx) {
              if (exits_itself) ctx.Exit(ExitReason::Normal());
            },
            [](ProcessContext& ctx, Message&) { ctx.Exit(ExitReason::Normal()); }),
        {});
    if (!exits_itself) {
      // Race a Kill against the process exiting on its own message.
      scheduler().Send(pid, TimerFired{0});
      scheduler().Kill(pid, ExitReason::Killed("race"));
    }
    for (int m = 0; m < kMonitorsEach; ++m) {
      scheduler().Monitor(pid, [&, slot = i * kMonitorsEach + m](Pid, const ExitReason& why) {
        if (why.kind != ExitKind::kNormal && why.kind != ExitKind::kKilled &&
            why.kind != ExitKind::kNoProc) {
          bad_kinds++;
        }
        calls[slot]++;
        all.Decrement();
      });
    }
  }
  ASSERT_TRUE(all.WaitFor()) << all.remaining() << " monitors never fired";
  EXPECT_EQ(scheduler().LiveCount(), 0u);
  // A duplicate would have been posted no later than the first calls. The io_context queue
  // is FIFO, so once a marker posted now has run, every earlier handler has been dequeued;
  // Stop + Join then waits for those still running.
  absl::Notification marker;
  scheduler().Post([&] { marker.Notify(); });
  ASSERT_TRUE(marker.WaitForNotificationWithTimeout(kEventTimeout));
  runtime_.Stop();
  runtime_.Join();
  for (const auto& c : calls) EXPECT_EQ(c.load(), 1);
  EXPECT_EQ(bad_kinds.load(), 0);
}

TEST_F(SchedulerTest, PostRunsEveryTaskOutsideProcessesOnRuntimeThreads) {
  constexpr int kTasks = 10000;
  Countdown done(kTasks);
  std::atomic<int> off_runtime{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&] {
      for (int i = 0; i < kTasks / 4; ++i) {
        scheduler().Post([&] {
          if (!runtime_.IsRuntimeThread()) off_runtime++;
          done.Decrement();
        });
      }
    });
  }
  for (std::thread& t : posters) t.join();
  ASSERT_TRUE(done.WaitFor());
  EXPECT_EQ(off_runtime.load(), 0);
}

TEST_F(SchedulerTest, ProcessesSpawnAndMessageEachOther) {
  // A chain: each process spawns the next and forwards a counter; the last one reports.
  constexpr int kLength = 200;
  absl::Notification finished;
  std::atomic<uint64_t> final_value{0};
  std::function<std::unique_ptr<runtime::Process>(int)> make = [&](int index) {
    return std::make_unique<LambdaProcess>(nullptr, [&, index](ProcessContext& ctx, Message& m) {
      const uint64_t value = TagOf(m) + 1;
      if (index + 1 == kLength) {
        final_value = value;
        finished.Notify();
      } else {
        const Pid next = scheduler().Spawn(make(index + 1), {.name = "link"});
        scheduler().Send(next, TimerFired{value});
      }
      ctx.Exit(ExitReason::Normal());
    });
  };
  scheduler().Send(scheduler().Spawn(make(0), {}), TimerFired{0});
  ASSERT_TRUE(finished.WaitForNotificationWithTimeout(kEventTimeout));
  EXPECT_EQ(final_value.load(), uint64_t{kLength});
}

TEST_F(SchedulerTest, ExceptionInASliceEndsThatProcessWithAnError) {
  EventLog<ExitRecord> exits;
  const Pid pid = scheduler().Spawn(
      std::make_unique<LambdaProcess>(
          nullptr, [](ProcessContext&, Message&) { throw std::runtime_error("boom"); }),
      {.name = "thrower"});
  Watch(pid, exits);
  scheduler().Send(pid, TimerFired{1});
  ASSERT_TRUE(exits.WaitForSize(1));
  EXPECT_EQ(exits.Snapshot()[0].kind, ExitKind::kError);
  EXPECT_THAT(exits.Snapshot()[0].detail, ::testing::HasSubstr("boom"));
}

TEST_F(SchedulerTest, TaskMessagesRunInsideTheProcessSlice) {
  std::atomic<bool> inside{false};
  absl::Notification ran;
  // The slice goes on after the task notifies (it clears `inside`); the test waits for the
  // slice's end too, so the slice never writes to this frame after the test has left it.
  absl::Notification slice_done;
  const Pid pid = scheduler().Spawn(
      std::make_unique<LambdaProcess>(nullptr,
                                      [&](ProcessContext&, Message& m) {
                                        inside = true;
                                        std::move(std::get<runtime::Task>(m).run)();
                                        inside = false;
                                        slice_done.Notify();
                                      }),
      {});
  std::atomic<bool> ran_inside{false};
  scheduler().Send(pid, runtime::Task{[&] {
                     ran_inside = inside.load();
                     ran.Notify();
                   }});
  ASSERT_TRUE(ran.WaitForNotificationWithTimeout(kEventTimeout));
  ASSERT_TRUE(slice_done.WaitForNotificationWithTimeout(kEventTimeout));
  EXPECT_TRUE(ran_inside.load());
}

// With one thread, a process that keeps messaging itself must not starve the others: a
// drain handler yields after kSlicesPerTurn slices.
TEST_F(SingleThreadSchedulerTest, ABusyProcessDoesNotStarveOthers) {
  // Shared with the busy process, which may still be in a slice when the test body returns
  // (it reads `stop` once more): on the test's stack that read was a use after scope.
  struct BusyState {
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> spins{0};
  };
  auto state = std::make_shared<BusyState>();
  std::atomic<bool>& stop = state->stop;
  std::atomic<uint64_t>& spins = state->spins;
  const Pid busy = scheduler().Spawn(
      std::make_unique<LambdaProcess>(nullptr,
                                      [this, state](ProcessContext& ctx, Message&) {
                                        state->spins++;
                                        if (!state->stop) {
                                          scheduler().Send(ctx.self(), TimerFired{0});
                                        }
                                      }),
      {.name = "busy"});
  scheduler().Send(busy, TimerFired{0});
  absl::Notification other_ran;
  const Pid other =
      scheduler().Spawn(std::make_unique<LambdaProcess>(
                            nullptr, [&](ProcessContext&, Message&) { other_ran.Notify(); }),
                        {});
  scheduler().Send(other, TimerFired{0});
  EXPECT_TRUE(other_ran.WaitForNotificationWithTimeout(kEventTimeout));
  stop = true;
  EXPECT_GT(spins.load(), 0u);
}

TEST(AsioRuntimeTest, JoinDestroysProcessesLeftWithoutCallingMonitors) {
  std::atomic<bool> destroyed{false};
  std::atomic<bool> monitor_called{false};
  absl::Notification started;
  {
    AsioRuntime rt({.scheduler_threads = 2});
    rt.Start();
    const Pid pid = rt.scheduler().Spawn(
        std::make_unique<LambdaProcess>([&](ProcessContext&) { started.Notify(); }, nullptr,
                                        [&] { destroyed = true; }),
        {});
    rt.scheduler().Monitor(pid, [&](Pid, const ExitReason&) { monitor_called = true; });
    ASSERT_TRUE(started.WaitForNotificationWithTimeout(kEventTimeout));
    rt.Stop();
    rt.Join();
    EXPECT_TRUE(destroyed.load());
    EXPECT_EQ(rt.scheduler().LiveCount(), 0u);
    EXPECT_FALSE(rt.scheduler().Send(pid, TimerFired{0}));
  }
  EXPECT_FALSE(monitor_called.load());
}

TEST(AsioRuntimeTest, ZeroThreadsMeansHardwareConcurrency) {
  AsioRuntime rt;
  EXPECT_EQ(rt.thread_count(), std::max<size_t>(1, std::thread::hardware_concurrency()));
  EXPECT_FALSE(rt.IsRuntimeThread());
}

TEST(AsioRuntimeTest, AnExceptionInAPostedTaskDoesNotKillTheThread) {
  AsioRuntime rt({.scheduler_threads = 1});
  rt.Start();
  rt.scheduler().Post([] { throw std::runtime_error("task failure"); });
  absl::Notification after;
  rt.scheduler().Post([&] { after.Notify(); });
  EXPECT_TRUE(after.WaitForNotificationWithTimeout(kEventTimeout));
}

TEST(AsioRuntimeTest, WorkPostedBeforeStartRunsAfterStart) {
  AsioRuntime rt({.scheduler_threads = 2});
  absl::Notification ran;
  rt.scheduler().Post([&] { ran.Notify(); });
  EXPECT_FALSE(ran.HasBeenNotified());
  rt.Start();
  EXPECT_TRUE(ran.WaitForNotificationWithTimeout(kEventTimeout));
}

}  // namespace
}  // namespace liminal::io
