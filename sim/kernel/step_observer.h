// The harness's hook into the kernel's main loop: called after every step (one fiber ran
// until its next switch point, block or exit) and whenever nothing is runnable, before
// virtual time advances. The invariant checkers run from here; they may stop the run.
#ifndef LIMINAL_SIM_KERNEL_STEP_OBSERVER_H_
#define LIMINAL_SIM_KERNEL_STEP_OBSERVER_H_

namespace liminal::sim {

class StepObserver {
 public:
  virtual ~StepObserver() = default;
  virtual void OnStep() = 0;
  virtual void OnQuiescent() = 0;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_STEP_OBSERVER_H_
