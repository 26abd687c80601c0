#include "sim/kernel/fiber_kernel.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "core/check/check.h"
#include "core/check/sanitizers.h"
#if defined(LIMINAL_ADDRESS_SANITIZER)
#include <sanitizer/lsan_interface.h>
#endif

namespace liminal::sim {
namespace {

// An abandoned fiber (see ~FiberKernel) is leaked on purpose: tell LeakSanitizer, which
// otherwise fails every ASan run that abandons one (a crash incarnation, a failing seed).
void KeepAbandoned(const void* object) {
#if defined(LIMINAL_ADDRESS_SANITIZER)
  __lsan_ignore_object(object);
#else
  (void)object;
#endif
}

}  // namespace

const char* KernelStopName(KernelStop stop) {
  switch (stop) {
    case KernelStop::kQuiescent:
      return "quiescent";
    case KernelStop::kStopped:
      return "stopped";
    case KernelStop::kStepLimit:
      return "step-limit";
    case KernelStop::kTimeLimit:
      return "time-limit";
  }
  return "unknown";
}

FiberKernel::FiberKernel(std::unique_ptr<SchedulingStrategy> strategy, Trace& trace,
                         size_t stack_bytes)
    : strategy_(std::move(strategy)), trace_(trace), stacks_(stack_bytes) {}

FiberKernel::~FiberKernel() {
  // Fibers left over belong to a failed run (deadlock, stuck client, stopped early).
  // Unwinding them would run core destructors that take mutexes held by other abandoned
  // fibers, so they are abandoned instead: never resumed, stacks freed with the pool.
  for (auto& fiber : fibers_) {
    if (fiber == nullptr) continue;
    if (fiber->context) {
      auto* abandoned = new boost::context::fiber(std::move(fiber->context));
      KeepAbandoned(abandoned);
    }
    if (fiber->body) {
      auto* abandoned = new absl::AnyInvocable<void() &&>(std::move(fiber->body));
      KeepAbandoned(abandoned);
    }
  }
}

FiberId FiberKernel::current() const { return current_ == nullptr ? 0 : current_->id; }

FiberId FiberKernel::Spawn(std::string name, absl::AnyInvocable<void() &&> body) {
  auto fiber = std::make_unique<Fiber>();
  Fiber* f = fiber.get();
  f->id = fibers_.size() + 1;
  f->name = std::move(name);
  f->body = std::move(body);
  f->context = boost::context::fiber(std::allocator_arg, PooledStack(stacks_),
                                     [f](boost::context::fiber&& caller) {
                                       f->caller = std::move(caller);
                                       std::move(f->body)();
                                       f->body = nullptr;
                                       return std::move(f->caller);
                                     });
  trace_.Add(TraceKind::kFiberSpawn, f->id, 0, 0, f->name);
  const FiberId id = f->id;
  fibers_.push_back(std::move(fiber));
  ++live_fibers_;
  MakeRunnable(id);
  strategy_->OnSpawn(id);
  return id;
}

void FiberKernel::MakeRunnable(FiberId id) {
  auto it = std::lower_bound(runnable_.begin(), runnable_.end(), id);
  if (it == runnable_.end() || *it != id) runnable_.insert(it, id);
}

void FiberKernel::Yield(Fiber& fiber) { fiber.caller = std::move(fiber.caller).resume(); }

void FiberKernel::SwitchPoint(SwitchKind kind, uint64_t arg) {
  Fiber* f = current_;
  if (f == nullptr) return;
  f->stopped_at = kind;
  f->stopped_arg = arg;
  Yield(*f);
}

void FiberKernel::Block(WaitChannel channel) {
  Fiber* f = current_;
  LIMINAL_CHECK(f != nullptr, "Block() is called inside a fiber (the harness would deadlock)");
  f->state = FiberState::kBlocked;
  f->wait = channel;
  f->stopped_at = SwitchKind::kWoken;
  f->stopped_arg = channel.id;
  auto it = std::lower_bound(runnable_.begin(), runnable_.end(), f->id);
  if (it != runnable_.end() && *it == f->id) runnable_.erase(it);
  Yield(*f);
}

bool FiberKernel::Wake(FiberId id, WaitChannel channel) {
  Fiber* f = Find(id);
  if (f == nullptr || f->state != FiberState::kBlocked || !(f->wait == channel)) return false;
  f->state = FiberState::kRunnable;
  f->wait = {};
  MakeRunnable(id);
  return true;
}

void FiberKernel::Resume(Fiber& fiber) {
  current_ = &fiber;
  fiber.context = std::move(fiber.context).resume();
  current_ = nullptr;
  if (!fiber.context) {
    const FiberId id = fiber.id;
    trace_.Add(TraceKind::kFiberDone, id);
    auto it = std::lower_bound(runnable_.begin(), runnable_.end(), id);
    if (it != runnable_.end() && *it == id) runnable_.erase(it);
    strategy_->OnDone(id);
    fibers_[id - 1].reset();
    --live_fibers_;
  }
}

KernelTimerId FiberKernel::AddTimer(absl::Time deadline, Timer timer) {
  timer_slots_.push_back(TimerSlot{std::move(timer), TimerState::kPending});
  const KernelTimerId id = timer_slots_.size();
  timer_heap_.emplace(deadline, id);
  ++pending_timers_;
  return id;
}

KernelTimerId FiberKernel::RunAt(absl::Time deadline, std::string name,
                                 absl::AnyInvocable<void() &&> fn) {
  Timer timer;
  timer.name = std::move(name);
  timer.fn = std::move(fn);
  if (deadline > now_) return AddTimer(deadline, std::move(timer));
  timer_slots_.push_back(TimerSlot{std::move(timer), TimerState::kPending});
  const KernelTimerId id = timer_slots_.size();
  StartTimerFiber(id);
  return id;
}

KernelTimerId FiberKernel::WakeAt(absl::Time deadline, FiberId fiber, WaitChannel channel) {
  Timer timer;
  timer.fiber = fiber;
  timer.channel = channel;
  return AddTimer(std::max(deadline, now_), std::move(timer));
}

bool FiberKernel::CancelTimer(KernelTimerId id) {
  if (id == 0 || id > timer_slots_.size()) return false;
  TimerSlot& slot = timer_slots_[id - 1];
  if (slot.state == TimerState::kDone) return false;
  if (slot.state == TimerState::kPending) --pending_timers_;  // its heap entry is skipped
  slot.state = TimerState::kDone;
  slot.timer.fn = nullptr;
  return true;
}

void FiberKernel::StartTimerFiber(KernelTimerId id) {
  TimerSlot& slot = timer_slots_[id - 1];
  slot.state = TimerState::kStarted;
  Spawn(std::move(slot.timer.name), [this, id] {
    TimerSlot& started = timer_slots_[id - 1];
    if (started.state != TimerState::kStarted) return;  // cancelled before it ran
    started.state = TimerState::kDone;
    absl::AnyInvocable<void()&&> fn = std::move(started.timer.fn);
    started.timer.fn = nullptr;
    std::move(fn)();
  });
}

void FiberKernel::DropCancelledTimers() {
  while (!timer_heap_.empty() &&
         timer_slots_[timer_heap_.top().second - 1].state != TimerState::kPending) {
    timer_heap_.pop();
  }
}

void FiberKernel::FireDueTimers() {
  for (;;) {
    DropCancelledTimers();
    if (timer_heap_.empty() || timer_heap_.top().first > now_) return;
    const KernelTimerId id = timer_heap_.top().second;
    timer_heap_.pop();
    --pending_timers_;
    TimerSlot& slot = timer_slots_[id - 1];
    if (slot.timer.fn) {
      StartTimerFiber(id);
    } else {
      slot.state = TimerState::kDone;
      Wake(slot.timer.fiber, slot.timer.channel);
    }
  }
}

void FiberKernel::SleepUntil(absl::Time when) {
  LIMINAL_CHECK(current_ != nullptr, "SleepUntil() is called inside a fiber");
  if (when <= now_) {
    SwitchPoint(SwitchKind::kYield);
    return;
  }
  const FiberId self = current_->id;
  WakeAt(when, self, {WaitKind::kSleep, self});
  Block({WaitKind::kSleep, self});
}

void FiberKernel::SleepFor(absl::Duration delay) { SleepUntil(now_ + delay); }

KernelStop FiberKernel::Run(StepObserver& observer, const KernelLimits& limits) {
  const absl::Time time_limit = now_ + limits.max_virtual_time;
  for (;;) {
    if (stop_requested_) return KernelStop::kStopped;
    if (runnable_.empty()) {
      observer.OnQuiescent();
      if (stop_requested_) return KernelStop::kStopped;
      DropCancelledTimers();
      if (timer_heap_.empty()) return KernelStop::kQuiescent;
      const absl::Time next = timer_heap_.top().first;
      if (next > time_limit) return KernelStop::kTimeLimit;
      if (next > now_) {
        now_ = next;
        trace_.SetTime(absl::ToInt64Nanoseconds(now_ - start_));
        trace_.Add(TraceKind::kTime);
      }
      FireDueTimers();
      continue;
    }
    if (steps_ >= limits.max_steps) return KernelStop::kStepLimit;
    const FiberId pick = strategy_->Pick(runnable_, steps_);
    Fiber* fiber = Find(pick);
    LIMINAL_CHECK(fiber != nullptr, "the strategy picks a fiber that exists");
    trace_.Add(TraceKind::kStep, pick, static_cast<uint64_t>(fiber->stopped_at),
               fiber->stopped_arg);
    ++steps_;
    Resume(*fiber);
    observer.OnStep();
  }
}

std::vector<std::string> FiberKernel::DescribeLiveFibers() const {
  std::vector<std::string> lines;
  for (const auto& fiber : fibers_) {
    if (fiber == nullptr) continue;
    lines.push_back(absl::StrCat(
        "f", fiber->id, "(", fiber->name, ") ",
        fiber->state == FiberState::kRunnable
            ? std::string("runnable")
            : absl::StrCat("blocked on ", WaitKindName(fiber->wait.kind), " ", fiber->wait.id)));
  }
  return lines;
}

}  // namespace liminal::sim
