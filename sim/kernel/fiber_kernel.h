// The heart of the simulation: every logical thread of a run is a fiber (Boost.Context) on
// one OS thread, and a seeded SchedulingStrategy decides which runnable fiber goes next at
// every switch point. Virtual time advances only when nothing is runnable, jumping to the
// next timer; timers due at that instant all become runnable together.
//
//   FiberKernel kernel(MakeStrategy(StrategyKind::kRandom, seed), trace);
//   kernel.Spawn("client:1", [&] { kernel.SleepFor(absl::Milliseconds(5)); ... });
//   KernelStop why = kernel.Run(observer, {});
//
// The seam bindings call SwitchPoint() at every seam call, park the current fiber with
// Block() and resume others with Wake(). In the main context (the harness itself, e.g.
// invariant checks) SwitchPoint is a no-op and Block is a fatal error. Fibers still
// blocked when the kernel is destroyed are abandoned without unwinding (their stacks are
// freed; nothing on them runs again), which only happens in runs that already failed.
#ifndef LIMINAL_SIM_KERNEL_FIBER_KERNEL_H_
#define LIMINAL_SIM_KERNEL_FIBER_KERNEL_H_

#include <boost/context/fiber.hpp>
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"
#include "sim/kernel/scheduling_strategy.h"
#include "sim/kernel/stack_pool.h"
#include "sim/kernel/step_observer.h"
#include "sim/kernel/switch_kind.h"
#include "sim/kernel/wait_channel.h"
#include "sim/trace/trace.h"

namespace liminal::sim {

using KernelTimerId = uint64_t;

struct KernelLimits {
  uint64_t max_steps = 3'000'000;
  absl::Duration max_virtual_time = absl::Minutes(30);
};

enum class KernelStop {
  kQuiescent,  // nothing runnable and no timer left
  kStopped,    // RequestStop() (an invariant failed)
  kStepLimit,  // livelock guard
  kTimeLimit,  // virtual-time guard
};

const char* KernelStopName(KernelStop stop);

class FiberKernel {
 public:
  FiberKernel(std::unique_ptr<SchedulingStrategy> strategy, Trace& trace,
              size_t stack_bytes = 256 * 1024);
  ~FiberKernel();
  FiberKernel(const FiberKernel&) = delete;
  FiberKernel& operator=(const FiberKernel&) = delete;

  // Creates a runnable fiber. Callable from the main context and from fibers.
  FiberId Spawn(std::string name, absl::AnyInvocable<void() &&> body);

  // A point where another fiber may run. No-op in the main context.
  void SwitchPoint(SwitchKind kind, uint64_t arg = 0);
  // Parks the current fiber until Wake(current(), channel). Fatal in the main context.
  void Block(WaitChannel channel);
  // Resumes `fiber` if it is blocked on `channel`; false otherwise.
  bool Wake(FiberId fiber, WaitChannel channel);

  bool InFiber() const { return current_ != nullptr; }
  // The running fiber's id; 0 in the main context.
  FiberId current() const;

  // Virtual time.
  absl::Time Now() const { return now_; }
  absl::Time start() const { return start_; }
  // Runs `fn` in a new fiber named `name` at `deadline` (at once if it has passed).
  KernelTimerId RunAt(absl::Time deadline, std::string name, absl::AnyInvocable<void() &&> fn);
  // Wakes `fiber` (blocked on `channel`) at `deadline`, which must lie in the future.
  KernelTimerId WakeAt(absl::Time deadline, FiberId fiber, WaitChannel channel);
  // True if the timer had not fired yet (or its fiber had not started) and never will.
  bool CancelTimer(KernelTimerId timer);
  size_t pending_timers() const { return pending_timers_; }

  // Blocks the current fiber for `delay` of virtual time (a plain yield if <= 0).
  void SleepFor(absl::Duration delay);
  void SleepUntil(absl::Time when);

  // Runs until nothing is left, a limit is hit, or RequestStop().
  KernelStop Run(StepObserver& observer, const KernelLimits& limits);
  void RequestStop() { stop_requested_ = true; }

  // Locks held by fibers (maintained by SimMutex): the main context may only read shared
  // state under those locks when this is zero.
  void NoteLockAcquired() { ++locks_held_; }
  void NoteLockReleased() { --locks_held_; }
  int locks_held() const { return locks_held_; }

  uint64_t steps() const { return steps_; }
  size_t live_fibers() const { return live_fibers_; }
  // "f12(client:3) blocked on socket-read 3" for every fiber that has not finished.
  std::vector<std::string> DescribeLiveFibers() const;
  Trace& trace() { return trace_; }

 private:
  enum class FiberState { kRunnable, kBlocked };
  struct Fiber {
    FiberId id = 0;
    std::string name;
    absl::AnyInvocable<void() &&> body;
    boost::context::fiber context;  // the fiber's side, resumed by the main loop
    boost::context::fiber caller;   // the main loop's side, resumed by the fiber
    FiberState state = FiberState::kRunnable;
    WaitChannel wait;
    SwitchKind stopped_at = SwitchKind::kStart;
    uint64_t stopped_arg = 0;
  };
  struct Timer {
    std::string name;                  // fn timers
    absl::AnyInvocable<void() &&> fn;  // null for wake timers
    FiberId fiber = 0;                 // wake timers
    WaitChannel channel;
  };

  void Yield(Fiber& fiber);
  void Resume(Fiber& fiber);
  void MakeRunnable(FiberId id);
  KernelTimerId AddTimer(absl::Time deadline, Timer timer);
  void DropCancelledTimers();
  void FireDueTimers();
  void StartTimerFiber(KernelTimerId id);

  enum class TimerState : uint8_t { kPending, kStarted, kDone };
  struct TimerSlot {
    Timer timer;
    TimerState state = TimerState::kPending;
  };
  // Min-heap order on (deadline, id): ties fire in creation order.
  struct Later {
    bool operator()(const std::pair<absl::Time, KernelTimerId>& a,
                    const std::pair<absl::Time, KernelTimerId>& b) const {
      return a > b;
    }
  };

  Fiber* Find(FiberId id) const {
    return id == 0 || id > fibers_.size() ? nullptr : fibers_[id - 1].get();
  }

  std::unique_ptr<SchedulingStrategy> strategy_;
  Trace& trace_;
  StackPool stacks_;
  std::vector<std::unique_ptr<Fiber>> fibers_;  // index id - 1; null once finished
  size_t live_fibers_ = 0;
  std::vector<FiberId> runnable_;  // sorted
  Fiber* current_ = nullptr;

  absl::Time start_ = absl::UnixEpoch();
  absl::Time now_ = absl::UnixEpoch();
  std::vector<TimerSlot> timer_slots_;  // index id - 1
  std::priority_queue<std::pair<absl::Time, KernelTimerId>,
                      std::vector<std::pair<absl::Time, KernelTimerId>>, Later>
      timer_heap_;  // pending timers (cancelled ones are skipped when popped)
  size_t pending_timers_ = 0;

  uint64_t steps_ = 0;
  bool stop_requested_ = false;
  int locks_held_ = 0;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_FIBER_KERNEL_H_
