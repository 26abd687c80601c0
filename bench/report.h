// The report of a run: a fixed-width table on stdout (medians, trial spread, and the ratio
// liminald / peer for every metric), notes on unavailable systems, errors and methods, the
// PASS/FAIL target lines, and the same data as a JSON file.
//
//   PrintReport(std::cout, results, targets, machine, /*targets_evaluated=*/true);
//   absl::Status s = WriteJsonReport("bench-results.json", results, targets, machine, true);
//
// Thread-safety: pure functions (apart from the output they write).
#ifndef LIMINAL_BENCH_REPORT_H_
#define LIMINAL_BENCH_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bench/proc_metrics.h"
#include "bench/results.h"
#include "bench/targets.h"

namespace liminal::bench {

void PrintReport(std::ostream& out, const RunResults& results,
                 const std::vector<TargetResult>& targets, const MachineInfo& machine,
                 bool targets_evaluated);

absl::Status WriteJsonReport(const std::string& path, const RunResults& results,
                             const std::vector<TargetResult>& targets, const MachineInfo& machine,
                             bool targets_evaluated);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_REPORT_H_
