// The simulated Scheduler seam: slices never overlap for one process, Kill between slices
// ends a process at once while Kill during a slice waits for the slice to return, monitors
// fire exactly once (kNoProc for a pid already gone), and FailWakes makes only Wake sends
// fail.
#include <string>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "sim/runtime/sim_runtime.h"
#include "sim/runtime/sim_scheduler.h"
#include "tests/sim/models/null_observer.h"

namespace liminal::sim {
namespace {

// Records what it receives; yields inside each slice so others can interleave.
class Recorder final : public runtime::Process {
 public:
  Recorder(FiberKernel& kernel, std::vector<std::string>& log, bool* in_slice)
      : kernel_(kernel), log_(log), in_slice_(in_slice) {}
  ~Recorder() override { log_.push_back("destroyed"); }
  void OnStart(runtime::ProcessContext&) override { log_.push_back("start"); }
  void OnMessage(runtime::ProcessContext& ctx, runtime::Message& message) override {
    if (*in_slice_) log_.push_back("OVERLAP");
    *in_slice_ = true;
    kernel_.SwitchPoint(SwitchKind::kYield);
    if (std::holds_alternative<runtime::Wake>(message)) log_.push_back("wake");
    if (auto* task = std::get_if<runtime::Task>(&message)) std::move(task->run)();
    if (std::holds_alternative<runtime::SocketClosed>(message)) {
      log_.push_back("exit");
      ctx.Exit(runtime::ExitReason::Normal());
    }
    *in_slice_ = false;
  }

 private:
  FiberKernel& kernel_;
  std::vector<std::string>& log_;
  bool* in_slice_;
};

struct World {
  explicit World(uint64_t seed)
      : kernel(MakeStrategy(StrategyKind::kRandom, seed), trace), runtime(kernel, seed) {}
  KernelStop Run() {
    NullObserver observer;
    return kernel.Run(observer, {});
  }
  Trace trace;
  FiberKernel kernel;
  SimRuntime runtime;
};

TEST(SimSchedulerTest, SlicesOfOneProcessNeverOverlapAndMessagesKeepTheirOrder) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    World w(seed);
    std::vector<std::string> log;
    bool in_slice = false;
    SimScheduler& s = w.runtime.scheduler();
    runtime::Pid pid = runtime::kNoPid;
    w.kernel.Spawn("driver", [&] {
      pid = s.Spawn(std::make_unique<Recorder>(w.kernel, log, &in_slice), {.name = "rec"});
      for (int i = 0; i < 3; ++i) EXPECT_TRUE(s.Send(pid, runtime::Wake{}));
      EXPECT_TRUE(s.Send(pid, runtime::SocketClosed{}));
    });
    ASSERT_EQ(w.Run(), KernelStop::kQuiescent);
    EXPECT_EQ(log, (std::vector<std::string>{"start", "wake", "wake", "wake", "exit", "destroyed"}))
        << "seed " << seed;
    EXPECT_FALSE(s.alive(pid));
  }
}

TEST(SimSchedulerTest, KillBetweenSlicesEndsTheProcessAtOnce) {
  World w(3);
  std::vector<std::string> log;
  bool in_slice = false;
  SimScheduler& s = w.runtime.scheduler();
  std::vector<runtime::ExitKind> exits;
  w.kernel.Spawn("driver", [&] {
    const runtime::Pid pid =
        s.Spawn(std::make_unique<Recorder>(w.kernel, log, &in_slice), {.name = "rec"});
    s.Monitor(pid,
              [&](runtime::Pid, const runtime::ExitReason& why) { exits.push_back(why.kind); });
    w.kernel.SleepFor(absl::Milliseconds(1));  // the process is idle now
    s.Kill(pid, runtime::ExitReason::Killed("test"));
    EXPECT_FALSE(s.IsAlive(pid));
    EXPECT_FALSE(s.Send(pid, runtime::Wake{}));
    s.Monitor(pid,
              [&](runtime::Pid, const runtime::ExitReason& why) { exits.push_back(why.kind); });
  });
  ASSERT_EQ(w.Run(), KernelStop::kQuiescent);
  EXPECT_EQ(log, (std::vector<std::string>{"start", "destroyed"}));
  ASSERT_EQ(exits.size(), 2u);  // each monitor exactly once
  EXPECT_EQ(std::count(exits.begin(), exits.end(), runtime::ExitKind::kKilled), 1);
  EXPECT_EQ(std::count(exits.begin(), exits.end(), runtime::ExitKind::kNoProc), 1);
}

TEST(SimSchedulerTest, KillDuringASliceWaitsForTheSliceToReturn) {
  World w(4);
  std::vector<std::string> log;
  bool in_slice = false;
  SimScheduler& s = w.runtime.scheduler();
  bool alive_inside = false;
  w.kernel.Spawn("driver", [&] {
    const runtime::Pid pid =
        s.Spawn(std::make_unique<Recorder>(w.kernel, log, &in_slice), {.name = "rec"});
    s.Send(pid, runtime::Task{[&, pid] {
             s.Kill(pid, runtime::ExitReason::Killed("self"));
             alive_inside = s.IsAlive(pid);
             log.push_back("rest of slice");
           }});
    s.Send(pid, runtime::Wake{});  // queued behind the task: never delivered
  });
  ASSERT_EQ(w.Run(), KernelStop::kQuiescent);
  EXPECT_TRUE(alive_inside);
  EXPECT_EQ(log, (std::vector<std::string>{"start", "rest of slice", "destroyed"}));
}

TEST(SimSchedulerTest, FailWakesOnlyFailsWakes) {
  World w(5);
  std::vector<std::string> log;
  bool in_slice = false;
  SimScheduler& s = w.runtime.scheduler();
  w.kernel.Spawn("driver", [&] {
    const runtime::Pid pid =
        s.Spawn(std::make_unique<Recorder>(w.kernel, log, &in_slice), {.name = "rec"});
    s.FailWakes(pid, 1);
    EXPECT_TRUE(s.Send(pid, runtime::TimerFired{1}));
    EXPECT_FALSE(s.Send(pid, runtime::Wake{}));
    EXPECT_TRUE(s.Send(pid, runtime::Wake{}));
    EXPECT_TRUE(s.Send(pid, runtime::SocketClosed{}));
  });
  ASSERT_EQ(w.Run(), KernelStop::kQuiescent);
  EXPECT_EQ(std::count(log.begin(), log.end(), "wake"), 1);
}

}  // namespace
}  // namespace liminal::sim
