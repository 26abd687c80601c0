// The simulated runtime::Clock: virtual time owned by the kernel. Now, RunAfter and Cancel
// are switch points; a timer's callback runs in its own fiber ("timer#<id>") when virtual
// time reaches its deadline, outside any process.
#ifndef LIMINAL_SIM_RUNTIME_SIM_CLOCK_H_
#define LIMINAL_SIM_RUNTIME_SIM_CLOCK_H_

#include "core/runtime/clock.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {

class SimClock final : public runtime::Clock {
 public:
  explicit SimClock(FiberKernel& kernel) : kernel_(kernel) {}

  absl::Time Now() const override;
  absl::Time WallNow() const override { return Now(); }
  runtime::TimerId RunAfter(absl::Duration delay, absl::AnyInvocable<void() &&> callback) override;
  bool Cancel(runtime::TimerId timer) override;

 private:
  FiberKernel& kernel_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_RUNTIME_SIM_CLOCK_H_
