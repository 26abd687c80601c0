// How to run one simulation: the scheduling strategy, a planted fault (if any), how much
// of the trace to keep, and the livelock guards.
#ifndef LIMINAL_SIM_HARNESS_RUN_OPTIONS_H_
#define LIMINAL_SIM_HARNESS_RUN_OPTIONS_H_

#include <functional>
#include <optional>
#include <string_view>

#include "core/server/fault_hooks.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/scheduling_strategy.h"
#include "sim/trace/trace.h"

namespace liminal::sim {

// Which ConnectionServices the supervisor gets: the small deterministic double of
// sim/services, or the server's real LiminalServices (core/server/services).
enum class ServicesKind { kDouble, kReal };
const char* ServicesKindName(ServicesKind kind);
std::optional<ServicesKind> ParseServicesKind(std::string_view name);

struct RunOptions {
  StrategyKind strategy = StrategyKind::kRandom;
  StrategyOptions strategy_options;
  server::FaultHooks faults;                    // planted bugs (all off by default)
  ServicesKind services = ServicesKind::kReal;  // what production runs
  // Also require that the server sends no Push before the connection's ConnectAck (the
  // client SDKs treat any other first frame as a failed handshake).
  bool strict_handshake = true;
  // Swarm faults: each seed draws its own profile of fault points (sim_fault_points.h) that
  // fire inside production code.
  bool swarm_faults = true;
  // Fault points a shrunk run keeps silent whatever the profile (bit i: FaultPoint i).
  uint32_t silenced_fault_points = 0;
  bool keep_full_trace = false;
  size_t trace_tail = 40;
  std::function<void(std::string_view)> echo;  // stream every trace record as it happens
  KernelLimits limits;
};

// How much of the trace a run with `options` keeps, and where it echoes.
TraceOptions TraceOptionsFor(const RunOptions& options);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_RUN_OPTIONS_H_
