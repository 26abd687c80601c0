// The simulation's deterministic random number generator (SplitMix64). Every choice a run
// makes (scheduling, chunking, latency jitter, workload) draws from an Rng derived from the
// run's seed, so one 64-bit seed reproduces the whole run.
//
//   Rng rng(DeriveSeed(seed, "network"));
//   if (rng.Chance(1, 4)) { ... }              // 25 %
//   size_t chunk = 1 + rng.Uniform(max_chunk);  // [1, max_chunk]
#ifndef LIMINAL_SIM_KERNEL_RNG_H_
#define LIMINAL_SIM_KERNEL_RNG_H_

#include <cstdint>
#include <string_view>

namespace liminal::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound); 0 when bound is 0.
  uint64_t Uniform(uint64_t bound) {
    if (bound == 0) return 0;
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t value = Next();
    while (value >= limit) value = Next();
    return value % bound;
  }

  // Uniform in [lo, hi] (inclusive); lo when hi < lo.
  uint64_t Range(uint64_t lo, uint64_t hi) { return hi < lo ? lo : lo + Uniform(hi - lo + 1); }

  // True with probability numerator / denominator.
  bool Chance(uint64_t numerator, uint64_t denominator) { return Uniform(denominator) < numerator; }

 private:
  uint64_t state_;
};

// An independent stream for `purpose` (FNV-1a of the name mixed into the seed), so adding
// draws to one part of the harness never shifts the choices of another.
inline uint64_t DeriveSeed(uint64_t seed, std::string_view purpose) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : purpose) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  Rng mix(seed ^ h);
  return mix.Next();
}

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_RNG_H_
