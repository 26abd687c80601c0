// Shrinking a failing run: the workload is cut down, one piece at a time, to a small one that
// still fails the same invariant with the same seed; `replay --shrink SPEC` runs the shrunk
// workload again. A workload's pieces are numbered in one flat order — its clients, its
// application actions, its faults, every client's ops (client by client), then the five
// fault points of the swarm profile — and a ShrinkSpec lists the pieces removed, as ranges:
// "0-2,5,17-30". Removing a client also removes the actions and faults aimed at it; the
// remaining clients are renumbered.
//
//   ShrinkResult shrunk = Shrink(workload, seed, options, failure.violation->invariant);
//   std::string spec = FormatShrinkSpec(shrunk.spec);       // for `replay --shrink`
//   RunResult again = RunShrunk(workload, seed, options, shrunk.spec);
#ifndef LIMINAL_SIM_HARNESS_SHRINKER_H_
#define LIMINAL_SIM_HARNESS_SHRINKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/harness/run_options.h"
#include "sim/harness/run_result.h"
#include "sim/workload/workload.h"

namespace liminal::sim {

struct ShrinkSpec {
  std::vector<uint32_t> removed;  // flat piece indices, ascending
};

std::string FormatShrinkSpec(const ShrinkSpec& spec);  // "none" when nothing is removed
std::optional<ShrinkSpec> ParseShrinkSpec(std::string_view text);

// How many pieces `workload` has in the flat order.
size_t ShrinkPieceCount(const Workload& workload);
// The workload without the removed pieces; `silenced` gets the removed fault points.
Workload ApplyShrink(const Workload& workload, const ShrinkSpec& spec, RunOptions& options);
// Runs `workload` with the spec applied.
RunResult RunShrunk(const Workload& workload, uint64_t seed, const RunOptions& options,
                    const ShrinkSpec& spec);

struct ShrinkResult {
  ShrinkSpec spec;
  RunResult result;  // the shrunk run (fails `invariant`)
  size_t runs = 0;   // runs spent shrinking
  size_t pieces_before = 0;
  size_t pieces_after = 0;
  Workload shrunk;  // the workload after the spec
};

// Greedy delta debugging: tries removing large groups first, then single pieces, keeping
// each removal after which the run still fails `invariant`; stops at a fixpoint or after
// `budget` runs.
ShrinkResult Shrink(const Workload& workload, uint64_t seed, const RunOptions& options,
                    const std::string& invariant, size_t budget = 400);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_SHRINKER_H_
