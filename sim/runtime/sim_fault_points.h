// The simulation's fault points (core/runtime/fault_points.h, FoundationDB's BUGGIFY) and
// the swarm profile that drives them: each seed draws which points are on and how often each
// fires, so across seeds every combination gets tried, from a quiet run to a stormy one.
//
//   SwarmProfile profile = DrawSwarmProfile(seed);        // "short-read 20‰, late-timer 5‰"
//   SimFaultPoints points(kernel, profile, seed);
//   runtime.set_fault_points(&points);                     // production code now sees them
//   points.hits();                                         // how often each one fired
//
// A firing kDelayedWake yields to every other runnable fiber before the wake goes out.
#ifndef LIMINAL_SIM_RUNTIME_SIM_FAULT_POINTS_H_
#define LIMINAL_SIM_RUNTIME_SIM_FAULT_POINTS_H_

#include <array>
#include <cstdint>
#include <string>

#include "core/runtime/fault_points.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/rng.h"

namespace liminal::sim {

struct SwarmProfile {
  // Per fault point, in FaultPoint order: how many times in 1000 it fires (0: off).
  std::array<uint32_t, runtime::kFaultPointCount> per_mille{};
};

// The profile of `seed`: each point is on with probability 1/2, at 1, 5, 20 or 100 ‰; the
// points in the `silenced` bit mask are off regardless.
SwarmProfile DrawSwarmProfile(uint64_t seed, uint32_t silenced = 0);
// "short-read 20‰ delayed-wake 1‰" or "none".
std::string DescribeSwarmProfile(const SwarmProfile& profile);

class SimFaultPoints final : public runtime::FaultPoints {
 public:
  SimFaultPoints(FiberKernel& kernel, const SwarmProfile& profile, uint64_t seed)
      : kernel_(kernel), profile_(profile), rng_(DeriveSeed(seed, "fault-points")) {}

  bool Fire(runtime::FaultPoint point) override;

  const std::array<uint64_t, runtime::kFaultPointCount>& hits() const { return hits_; }

 private:
  FiberKernel& kernel_;
  const SwarmProfile profile_;
  Rng rng_;
  std::array<uint64_t, runtime::kFaultPointCount> hits_{};
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_RUNTIME_SIM_FAULT_POINTS_H_
