// The `durable-crash` scenario (server-behaviour.md §5): clients publish to durable channels
// (fsync "always") and replay from them while, at seeded times, the whole server crashes —
// every process, timer and in-flight fsync vanishes, the simulated disk keeps only synced
// bytes and may tear the last write — and a new server incarnation starts from that disk
// with the real LiminalServices. Seeded windows of failing fsyncs make publishers see
// E_STORAGE. After the last incarnation, a reader replays each channel to a marker it
// published itself, and DurableHistory (sim/invariants/durable_history.h) checks what the
// publishers were told against what the replays returned.
//
//   RunResult r = RunDurableCrash(0x5eed, options);   // also RunScenario("durable-crash", ...)
//
// Like every run, a pure function of (build, seed, options). The planted fault
// `ack-durable-before-fsync` makes acknowledged messages die in a crash.
#ifndef LIMINAL_SIM_HARNESS_DURABLE_CRASH_H_
#define LIMINAL_SIM_HARNESS_DURABLE_CRASH_H_

#include <cstdint>

#include "sim/harness/run_options.h"
#include "sim/harness/run_result.h"

namespace liminal::sim {

inline constexpr char kDurableCrashScenario[] = "durable-crash";

RunResult RunDurableCrash(uint64_t seed, const RunOptions& options);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_DURABLE_CRASH_H_
