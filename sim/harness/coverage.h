// Coverage of a set of runs: which frame types the server sent and received, which error
// codes it sent, which close routes connections took (including the safety nets: reaped,
// orphan-removed), rollbacks with a control queued behind, and which fault points fired — so a
// path that no scenario exercises is visible (`liminal-sim explore --coverage`).
//
//   Coverage total;
//   total.Merge(CoverageOf(events, fault_point_hits));   // per run
//   std::cout << FormatCoverage(total);                   // reached with counts, and never
#ifndef LIMINAL_SIM_HARNESS_COVERAGE_H_
#define LIMINAL_SIM_HARNESS_COVERAGE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "core/runtime/fault_points.h"
#include "core/server/supervisor_event.h"
#include "sim/invariants/event_log.h"

namespace liminal::sim {

struct Coverage {
  std::array<uint64_t, 256> frames_sent{};      // by frame type id
  std::array<uint64_t, 256> frames_received{};  // by frame type id
  absl::btree_map<uint16_t, uint64_t> error_codes;
  std::array<uint64_t, server::kCloseRouteCount> close_routes{};
  std::array<uint64_t, runtime::kFaultPointCount> fault_points{};
  // Safety nets: a failed wake rolled back while a later control of the same connection was
  // still queued behind it.
  uint64_t rollbacks_with_control_behind = 0;

  void Merge(const Coverage& other);
};

Coverage CoverageOf(const std::vector<TimedEvent>& events,
                    const std::array<uint64_t, runtime::kFaultPointCount>& fault_point_hits);

// One block per category: "reached" with counts, then "never reached" (for frames: the
// frame types the protocol defines that travel in that direction; for error codes: every
// code the protocol defines).
std::string FormatCoverage(const Coverage& coverage);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_COVERAGE_H_
