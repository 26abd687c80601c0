// The simulated runtime::Mutex. Lock and Unlock are switch points; a contended Lock parks
// the fiber until the holder releases, and then every waiter races again under the
// strategy. AwaitWithTimeout parks the fiber until the mutex is released by someone else
// (then re-checks the condition with the mutex held) or until its virtual-time deadline.
//
// In the main context (the harness reading Snapshot() between steps) Lock never switches
// and must find the mutex free: the harness only reads when kernel.locks_held() == 0.
#ifndef LIMINAL_SIM_RUNTIME_SIM_MUTEX_H_
#define LIMINAL_SIM_RUNTIME_SIM_MUTEX_H_

#include <cstdint>
#include <vector>

#include "core/runtime/mutex.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {

class SimMutex final : public runtime::Mutex {
 public:
  SimMutex(FiberKernel& kernel, uint64_t id) : kernel_(kernel), id_(id) {}
  ~SimMutex() override = default;

  void Lock() override;
  void Unlock() override;
  bool AwaitWithTimeout(absl::FunctionRef<bool()> condition, absl::Duration timeout) override;

  uint64_t id() const { return id_; }

 private:
  // Acquires without a switch point before it (blocks while held).
  void Acquire();
  // Releases; `notify_awaiters` re-checks parked AwaitWithTimeout callers.
  void Release(bool notify_awaiters);

  FiberKernel& kernel_;
  const uint64_t id_;
  bool held_ = false;
  FiberId owner_ = 0;  // 0 while free or held by the main context
  std::vector<FiberId> lock_waiters_;
  std::vector<FiberId> awaiters_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_RUNTIME_SIM_MUTEX_H_
