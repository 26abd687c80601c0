#include "io/runtime/system_random.h"

#include <random>

namespace liminal::io {

uint64_t SystemRandom::DeviceSeed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ static_cast<uint64_t>(device());
}

uint64_t SystemRandom::Next() {
  // SplitMix64: each caller gets its own point of the Weyl sequence, then mixes it.
  constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ULL;
  uint64_t z = state_.fetch_add(kGamma, std::memory_order_relaxed) + kGamma;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace liminal::io
