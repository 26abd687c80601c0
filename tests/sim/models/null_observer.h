// A StepObserver that checks nothing, for tests that drive the fiber kernel directly.
#ifndef LIMINAL_TESTS_SIM_MODELS_NULL_OBSERVER_H_
#define LIMINAL_TESTS_SIM_MODELS_NULL_OBSERVER_H_

#include "sim/kernel/step_observer.h"

namespace liminal::sim {

class NullObserver final : public StepObserver {
 public:
  void OnStep() override {}
  void OnQuiescent() override {}
};

}  // namespace liminal::sim

#endif  // LIMINAL_TESTS_SIM_MODELS_NULL_OBSERVER_H_
