// One simulated run, end to end: builds the world for a workload (fiber kernel, simulated
// runtime, network and disk, the services and notifier doubles, a real
// ConnectionSupervisor with its event sink and planted faults, the clients, application
// and fault fibers, and the shutdown coordinator), runs it to completion with the
// invariant checkers after every step, then applies the end-of-run liveness checks.
//
//   RunResult r = RunScenario("push-vs-close", 0x5eed, {.strategy = StrategyKind::kPct});
//   if (!r.passed()) std::cout << r.violation->invariant << ": " << r.violation->detail;
//   std::cout << std::hex << r.trace_hash;   // same build + scenario + seed + options → same
//
// A run is a pure function of (build, workload, seed, options): it reads no real time,
// starts no threads, and shares nothing with other runs, so runs may execute on several
// OS threads at once.
#ifndef LIMINAL_SIM_HARNESS_SIMULATION_H_
#define LIMINAL_SIM_HARNESS_SIMULATION_H_

#include <cstdint>
#include <string_view>

#include "sim/harness/run_options.h"
#include "sim/harness/run_result.h"
#include "sim/workload/workload.h"

namespace liminal::sim {

// Runs `workload`; `seed` drives scheduling, the network and the core's Random.
RunResult RunWorkload(const Workload& workload, uint64_t seed, const RunOptions& options);

// Generates the scenario's workload from `seed`, then runs it with the same seed.
// An unknown scenario gives a failed result with invariant "usage".
RunResult RunScenario(std::string_view scenario, uint64_t seed, const RunOptions& options);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_SIMULATION_H_
