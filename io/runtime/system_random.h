// SystemRandom: the production binding of the Random seam. A SplitMix64 generator whose
// state advances with one atomic add, so it is lock-free and safe to share between threads.
// Seeded from std::random_device by default; tests pass a seed to get a fixed sequence.
//
//   SystemRandom random;            // unpredictable seed
//   SystemRandom fixed(0x5eed);     // same sequence on every run
//   uint64_t jitter_ms = random.Uniform(100);
//
// Not a cryptographic generator: the core uses it for ids and jitter only.
#ifndef LIMINAL_IO_RUNTIME_SYSTEM_RANDOM_H_
#define LIMINAL_IO_RUNTIME_SYSTEM_RANDOM_H_

#include <atomic>
#include <cstdint>

#include "core/runtime/random.h"

namespace liminal::io {

class SystemRandom final : public runtime::Random {
 public:
  SystemRandom() : SystemRandom(DeviceSeed()) {}
  explicit SystemRandom(uint64_t seed) : state_(seed) {}

  // Thread-safe.
  uint64_t Next() override;

  // 64 bits from std::random_device.
  static uint64_t DeviceSeed();

 private:
  std::atomic<uint64_t> state_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_SYSTEM_RANDOM_H_
