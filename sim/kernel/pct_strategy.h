// The `pct` strategy (Burckhardt et al., "A Randomized Scheduler with Probabilistic
// Guarantees of Finding Bugs", ASPLOS 2010). Every fiber gets a random priority when it
// is created, and the highest-priority runnable fiber always runs. At d - 1 change points,
// drawn uniformly from the first k steps, the fiber about to run drops to a priority below
// every initial one. A bug of depth d is then found with probability at least
// 1 / (n * k^(d-1)) per run, and in practice far more often.
#ifndef LIMINAL_SIM_KERNEL_PCT_STRATEGY_H_
#define LIMINAL_SIM_KERNEL_PCT_STRATEGY_H_

#include <string>
#include <vector>

#include "sim/kernel/rng.h"
#include "sim/kernel/scheduling_strategy.h"

namespace liminal::sim {

class PctStrategy final : public SchedulingStrategy {
 public:
  PctStrategy(uint64_t seed, int depth, uint64_t expected_steps);

  void OnSpawn(FiberId fiber) override;
  void OnDone(FiberId fiber) override;
  FiberId Pick(absl::Span<const FiberId> runnable, uint64_t step) override;
  std::string Describe() const override;

 private:
  Rng rng_;
  int depth_;
  std::vector<uint64_t> change_points_;  // sorted step numbers
  size_t next_change_ = 0;
  std::vector<uint64_t> priority_;  // index: fiber id (0 once finished)
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_PCT_STRATEGY_H_
