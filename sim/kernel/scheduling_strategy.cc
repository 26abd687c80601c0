#include "sim/kernel/scheduling_strategy.h"

#include "sim/kernel/pct_strategy.h"
#include "sim/kernel/random_strategy.h"

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

std::unique_ptr<SchedulingStrategy> MakeStrategy(StrategyKind kind, uint64_t seed,
                                                 const StrategyOptions& options) {
  switch (kind) {
    case StrategyKind::kPct:
      return std::make_unique<PctStrategy>(seed, options.pct_depth, options.pct_expected_steps);
    case StrategyKind::kRandom:
      break;
  }
  return std::make_unique<RandomStrategy>(seed);
}

}  // namespace liminal::sim
