#include "sim/kernel/random_strategy.h"

namespace liminal::sim {

FiberId RandomStrategy::Pick(absl::Span<const FiberId> runnable, uint64_t step) {
  (void)step;
  return runnable[rng_.Uniform(runnable.size())];
}

}  // namespace liminal::sim
