#include "sim/runtime/sim_mutex.h"

#include <algorithm>

#include "core/check/check.h"

namespace liminal::sim {
namespace {

void Erase(std::vector<FiberId>& list, FiberId id) {
  list.erase(std::remove(list.begin(), list.end(), id), list.end());
}

}  // namespace

void SimMutex::Lock() {
  kernel_.SwitchPoint(SwitchKind::kLock, id_);
  Acquire();
}

void SimMutex::Acquire() {
  if (!kernel_.InFiber()) {
    LIMINAL_CHECK(!held_, "the harness reads shared state only while no fiber holds its mutex");
    held_ = true;
    owner_ = 0;
    return;
  }
  const FiberId self = kernel_.current();
  while (held_) {
    // A fiber locking a mutex it holds parks forever: reported as a stuck fiber.
    lock_waiters_.push_back(self);
    kernel_.Block({WaitKind::kMutex, id_});
    Erase(lock_waiters_, self);
  }
  held_ = true;
  owner_ = self;
  kernel_.NoteLockAcquired();
}

void SimMutex::Unlock() {
  if (!kernel_.InFiber()) {
    held_ = false;  // the harness only reads: nobody to notify
    return;
  }
  Release(/*notify_awaiters=*/true);
  kernel_.SwitchPoint(SwitchKind::kUnlock, id_);
}

void SimMutex::Release(bool notify_awaiters) {
  LIMINAL_CHECK(held_ && owner_ == kernel_.current(), "Unlock() of a mutex this fiber holds");
  held_ = false;
  owner_ = 0;
  kernel_.NoteLockReleased();
  // Every waiter becomes runnable and races for the mutex under the strategy.
  for (FiberId waiter : std::vector<FiberId>(lock_waiters_)) {
    kernel_.Wake(waiter, {WaitKind::kMutex, id_});
  }
  if (notify_awaiters) {
    for (FiberId waiter : std::vector<FiberId>(awaiters_)) {
      kernel_.Wake(waiter, {WaitKind::kCondition, id_});
    }
  }
}

bool SimMutex::AwaitWithTimeout(absl::FunctionRef<bool()> condition, absl::Duration timeout) {
  LIMINAL_CHECK(kernel_.InFiber(), "AwaitWithTimeout() is called inside a fiber");
  if (condition()) return true;
  if (timeout <= absl::ZeroDuration()) return false;
  const FiberId self = kernel_.current();
  const bool finite = timeout < absl::InfiniteDuration();
  const absl::Time deadline = finite ? kernel_.Now() + timeout : absl::InfiniteFuture();
  KernelTimerId timer = 0;
  if (finite) timer = kernel_.WakeAt(deadline, self, {WaitKind::kCondition, id_});
  // The caller may have changed state before waiting: the first release notifies other
  // awaiters; re-check releases below only read, so they do not (no ping-pong).
  bool notify = true;
  for (;;) {
    awaiters_.push_back(self);
    Release(notify);
    notify = false;
    kernel_.Block({WaitKind::kCondition, id_});
    Erase(awaiters_, self);
    Acquire();
    if (condition()) {
      if (finite) kernel_.CancelTimer(timer);
      return true;
    }
    if (finite && kernel_.Now() >= deadline) return false;
  }
}

}  // namespace liminal::sim
