// How the kernel picks the next fiber among the runnable ones. Strategies are seeded and
// see fibers only by id (never by pointer), so the choice is a pure function of the seed
// and the history. Implementations: RandomStrategy (uniform) and PctStrategy (probabilistic
// concurrency testing). MakeStrategy() builds one by kind.
#ifndef LIMINAL_SIM_KERNEL_SCHEDULING_STRATEGY_H_
#define LIMINAL_SIM_KERNEL_SCHEDULING_STRATEGY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/types/span.h"

namespace liminal::sim {

using FiberId = uint64_t;

class SchedulingStrategy {
 public:
  virtual ~SchedulingStrategy() = default;
  // A fiber was created (it is runnable from now on).
  virtual void OnSpawn(FiberId fiber) { (void)fiber; }
  // A fiber finished.
  virtual void OnDone(FiberId fiber) { (void)fiber; }
  // `runnable` is non-empty and sorted by id; `step` counts the decisions made so far.
  virtual FiberId Pick(absl::Span<const FiberId> runnable, uint64_t step) = 0;
  virtual std::string Describe() const = 0;
};

enum class StrategyKind { kRandom, kPct };

const char* StrategyKindName(StrategyKind kind);
std::optional<StrategyKind> ParseStrategyKind(std::string_view name);

struct StrategyOptions {
  // d: the number of priority-change points is d - 1. 0 (the default) is the swarm setting:
  // each seed draws its own depth (SwarmPctDepth), since no single depth finds every race.
  int pct_depth = 0;
  uint64_t pct_expected_steps = 4000;  // k: change points are drawn from [1, k)
};

// The PCT depth a seed draws when none is fixed: 3, 5, 10, 20 or 30, weighted towards 10-20
// (depth 3 found the spawn-vs-shutdown window less often than random scheduling; 20 did
// better).
int SwarmPctDepth(uint64_t seed);

std::unique_ptr<SchedulingStrategy> MakeStrategy(StrategyKind kind, uint64_t seed,
                                                 const StrategyOptions& options = {});

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_SCHEDULING_STRATEGY_H_
