// The `random` strategy: at every decision, a uniformly random runnable fiber runs next.
#ifndef LIMINAL_SIM_KERNEL_RANDOM_STRATEGY_H_
#define LIMINAL_SIM_KERNEL_RANDOM_STRATEGY_H_

#include <string>

#include "sim/kernel/rng.h"
#include "sim/kernel/scheduling_strategy.h"

namespace liminal::sim {

class RandomStrategy final : public SchedulingStrategy {
 public:
  explicit RandomStrategy(uint64_t seed) : rng_(seed) {}
  FiberId Pick(absl::Span<const FiberId> runnable, uint64_t step) override;
  std::string Describe() const override { return "random"; }

 private:
  Rng rng_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_RANDOM_STRATEGY_H_
