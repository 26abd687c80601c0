#include "sim/kernel/pct_strategy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace liminal::sim {

PctStrategy::PctStrategy(uint64_t seed, int depth, uint64_t expected_steps)
    : rng_(seed), depth_(depth < 1 ? 1 : depth) {
  const uint64_t k = expected_steps < 2 ? 2 : expected_steps;
  for (int i = 1; i < depth_; ++i) change_points_.push_back(rng_.Range(1, k - 1));
  std::sort(change_points_.begin(), change_points_.end());
}

void PctStrategy::OnSpawn(FiberId fiber) {
  // Initial priorities sit above every change-point priority (1 .. d-1); ties, which are
  // astronomically unlikely, are broken by the fiber id in Pick.
  if (priority_.size() <= fiber) priority_.resize(fiber + 1, 0);
  priority_[fiber] = static_cast<uint64_t>(depth_) + (rng_.Next() >> 8);
}

void PctStrategy::OnDone(FiberId fiber) {
  if (fiber < priority_.size()) priority_[fiber] = 0;
}

FiberId PctStrategy::Pick(absl::Span<const FiberId> runnable, uint64_t step) {
  auto highest = [&] {
    FiberId best = runnable.front();
    uint64_t best_priority = 0;
    for (FiberId id : runnable) {
      const uint64_t p = id < priority_.size() ? priority_[id] : 0;
      if (p > best_priority) {
        best = id;
        best_priority = p;
      }
    }
    return best;
  };
  FiberId pick = highest();
  while (next_change_ < change_points_.size() && change_points_[next_change_] <= step) {
    // Change point i lowers the fiber about to run to priority d - i (below all initial
    // priorities, and below earlier change points' victims).
    if (priority_.size() <= pick) priority_.resize(pick + 1, 0);
    priority_[pick] = static_cast<uint64_t>(depth_) - 1 - next_change_;
    ++next_change_;
    pick = highest();
  }
  return pick;
}

std::string PctStrategy::Describe() const {
  return absl::StrCat("pct(d=", depth_, ", change points at steps ",
                      change_points_.empty() ? "-" : absl::StrJoin(change_points_, ","), ")");
}

}  // namespace liminal::sim
