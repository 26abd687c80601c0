#include "sim/kernel/scheduling_strategy.h"

#include "sim/kernel/pct_strategy.h"
#include "sim/kernel/random_strategy.h"
#include "sim/kernel/rng.h"

namespace liminal::sim {

const char* StrategyKindName(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kRandom:
      return "random";
    case StrategyKind::kPct:
      return "pct";
  }
  return "unknown";
}

std::optional<StrategyKind> ParseStrategyKind(std::string_view name) {
  if (name == "random") return StrategyKind::kRandom;
  if (name == "pct") return StrategyKind::kPct;
  return std::nullopt;
}

int SwarmPctDepth(uint64_t seed) {
  constexpr int kDepths[] = {3, 5, 10, 10, 20, 20, 20, 30};
  Rng rng(DeriveSeed(seed, "pct-depth"));
  return kDepths[rng.Uniform(sizeof(kDepths) / sizeof(kDepths[0]))];
}

std::unique_ptr<SchedulingStrategy> MakeStrategy(StrategyKind kind, uint64_t seed,
                                                 const StrategyOptions& options) {
  switch (kind) {
    case StrategyKind::kPct: {
      const int depth = options.pct_depth > 0 ? options.pct_depth : SwarmPctDepth(seed);
      return std::make_unique<PctStrategy>(seed, depth, options.pct_expected_steps);
    }
    case StrategyKind::kRandom:
      break;
  }
  return std::make_unique<RandomStrategy>(seed);
}

}  // namespace liminal::sim
