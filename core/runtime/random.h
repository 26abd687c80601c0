// The Random seam: seeded in simulation, so ids and jitter never escape the seed.
#ifndef LIMINAL_CORE_RUNTIME_RANDOM_H_
#define LIMINAL_CORE_RUNTIME_RANDOM_H_

#include <cstdint>

namespace liminal::runtime {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Next() = 0;
  // Uniform in [0, bound); 0 when bound is 0.
  uint64_t Uniform(uint64_t bound);
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_RANDOM_H_
