// A seeded Random (SplitMix64): same seed, same sequence, on every platform.
#ifndef LIMINAL_CORE_TESTING_SEEDED_RANDOM_H_
#define LIMINAL_CORE_TESTING_SEEDED_RANDOM_H_

#include <cstdint>

#include "core/runtime/random.h"

namespace liminal::testing {

class SeededRandom final : public runtime::Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() override {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace liminal::testing

#endif  // LIMINAL_CORE_TESTING_SEEDED_RANDOM_H_
