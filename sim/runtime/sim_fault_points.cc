#include "sim/runtime/sim_fault_points.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

SwarmProfile DrawSwarmProfile(uint64_t seed, uint32_t silenced) {
  constexpr uint32_t kRates[] = {1, 5, 20, 100};
  Rng rng(DeriveSeed(seed, "swarm-profile"));
  SwarmProfile profile;
  for (uint32_t& rate : profile.per_mille) {
    const bool on = rng.Chance(1, 2);
    const uint32_t drawn = kRates[rng.Uniform(sizeof(kRates) / sizeof(kRates[0]))];
    rate = on ? drawn : 0;
  }
  for (size_t i = 0; i < profile.per_mille.size(); ++i) {
    if ((silenced >> i) & 1u) profile.per_mille[i] = 0;
  }
  return profile;
}

std::string DescribeSwarmProfile(const SwarmProfile& profile) {
  std::string text;
  for (size_t i = 0; i < profile.per_mille.size(); ++i) {
    if (profile.per_mille[i] == 0) continue;
    absl::StrAppend(&text, text.empty() ? "" : " ",
                    runtime::FaultPointName(static_cast<runtime::FaultPoint>(i)), " ",
                    profile.per_mille[i], "\u2030");
  }
  return text.empty() ? "none" : text;
}

bool SimFaultPoints::Fire(runtime::FaultPoint point) {
  const size_t index = static_cast<size_t>(point);
  const uint32_t rate = profile_.per_mille[index];
  if (rate == 0 || !rng_.Chance(rate, 1000)) return false;
  ++hits_[index];
  kernel_.trace().Add(TraceKind::kFault, index, 0, 0,
                      absl::StrCat("fault point ", runtime::FaultPointName(point)));
  if (point == runtime::FaultPoint::kDelayedWake) kernel_.SwitchPoint(SwitchKind::kYield, index);
  return true;
}

}  // namespace liminal::sim
