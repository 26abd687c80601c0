// The simulated runtime::Random: a seeded stream, so ids and jitter drawn by the core
// never escape the run's seed.
#ifndef LIMINAL_SIM_RUNTIME_SIM_RANDOM_H_
#define LIMINAL_SIM_RUNTIME_SIM_RANDOM_H_

#include <cstdint>

#include "core/runtime/random.h"
#include "sim/kernel/rng.h"

namespace liminal::sim {

class SimRandom final : public runtime::Random {
 public:
  explicit SimRandom(uint64_t seed) : rng_(seed) {}
  uint64_t Next() override { return rng_.Next(); }

 private:
  Rng rng_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_RUNTIME_SIM_RANDOM_H_
