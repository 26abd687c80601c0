// The results of a benchmark run, as collected by the runner (runner.h) and rendered by the
// report (report.h) and the target checks (targets.h).
//
//   for (const WorkloadResult& w : results.workloads) {
//     const SystemResult* lim = w.Find(System::kLiminald);
//     if (lim != nullptr && lim->outcome == Outcome::kOk) lim->medians.at("rate");
//   }
//
// Thread-safety: plain values.
#ifndef LIMINAL_BENCH_RESULTS_H_
#define LIMINAL_BENCH_RESULTS_H_

#include <optional>
#include <string>
#include <vector>

#include "bench/disk_sync.h"
#include "bench/driver.h"
#include "bench/workload.h"

namespace liminal::bench {

enum class Outcome {
  kOk,           // every trial ran
  kUnavailable,  // the system does not offer this (missing binary, not wired, no equivalent)
  kError,        // the workload failed
};

// "ok", "unavailable", "error".
const char* OutcomeName(Outcome outcome);

struct SystemResult {
  System system = System::kLiminald;
  Outcome outcome = Outcome::kOk;
  std::string message;  // why unavailable / the error
  std::string method;   // how this system was driven, when it differs
  std::vector<TrialValues> trials;
  TrialValues medians;  // per metric key, over trials
  TrialValues spreads;  // (max - min) / median per metric key

  std::optional<double> Median(const std::string& key) const;
};

struct WorkloadResult {
  std::string name;
  std::string title;
  std::string description;
  std::vector<MetricSpec> metrics;
  std::vector<SystemResult> systems;  // in the run's system order

  const SystemResult* Find(System system) const;
};

struct RunResults {
  std::string mode;  // "smoke", "short", "full"
  std::vector<System> systems;
  std::vector<std::pair<System, std::string>> server_descriptions;
  std::vector<WorkloadResult> workloads;
  double wall_seconds = 0;
  // When a durable workload ran: each system's sync setting (Driver::DurableSyncSetting) and
  // this machine's disk sync latency (disk_sync.h), or why it could not be measured.
  std::vector<std::pair<System, std::string>> durable_sync_settings;
  std::optional<DiskSyncResult> disk_sync;
  std::string disk_sync_error;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_RESULTS_H_
