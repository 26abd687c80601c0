// The verdict of one simulation run: pass, or the first violated invariant; the trace
// hash that fingerprints the run; the tail (or all) of the trace; and a few counters.
#ifndef LIMINAL_SIM_HARNESS_RUN_RESULT_H_
#define LIMINAL_SIM_HARNESS_RUN_RESULT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/runtime/fault_points.h"
#include "sim/harness/coverage.h"
#include "sim/invariants/violation.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {

struct RunResult {
  std::string scenario;
  uint64_t seed = 0;
  std::string strategy;  // "random" or "pct"
  std::string services;  // "double" or "real"
  std::optional<Violation> violation;
  uint64_t trace_hash = 0;
  uint64_t steps = 0;
  uint64_t trace_records = 0;
  absl::Duration virtual_time;
  KernelStop stop = KernelStop::kQuiescent;
  uint64_t connections = 0;  // processes spawned
  uint64_t pushes = 0;
  uint64_t publishes = 0;   // sent by the clients (the messaging history's count)
  uint64_t deliveries = 0;  // received by the clients
  std::string workload_summary;
  std::string workload;  // DescribeWorkload(): the clients' scripts and the fault plan
  // How often each fault point (core/runtime/fault_points.h) fired, in FaultPoint order.
  std::array<uint64_t, runtime::kFaultPointCount> fault_point_hits{};
  Coverage coverage;  // what the run reached (frames, error codes, close routes, fault points)
  std::vector<std::string> trace_tail;
  std::vector<std::string> trace;  // only with RunOptions::keep_full_trace

  bool passed() const { return !violation.has_value(); }
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_RUN_RESULT_H_
