// Explores many seeds: runs (scenario, seed) pairs — seed-major across the scenarios, so
// `--scenario all` interleaves families — on `jobs` OS threads (each run is
// single-threaded and self-contained), and reports the lowest failing item, which does not
// depend on `jobs`. Measures wall-clock throughput (the only real time in the simulator,
// and it never reaches a run).
//
//   ExploreOptions o{.scenarios = {"push-vs-close"}, .from = 1, .count = 1000, .jobs = 2};
//   ExploreResult r = Explore(o);
//   if (r.first_failure) Replay(r.first_failure->scenario, r.first_failure->seed, ...);
#ifndef LIMINAL_SIM_HARNESS_EXPLORER_H_
#define LIMINAL_SIM_HARNESS_EXPLORER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "sim/harness/run_options.h"
#include "sim/harness/run_result.h"

namespace liminal::sim {

struct ExploreProgress {
  uint64_t done = 0;
  uint64_t total = 0;
  uint64_t failures = 0;
  double seconds = 0;
  double runs_per_second = 0;
};

struct ExploreOptions {
  std::vector<std::string> scenarios;
  uint64_t from = 1;
  uint64_t count = 100;  // seeds per scenario
  int jobs = 1;
  RunOptions run;
  bool stop_at_first_failure = true;
  bool keep_hashes = false;  // keep (scenario, seed, hash) of every run
  // Called from worker threads (serialized) about once per second of wall time.
  std::function<void(const ExploreProgress&)> progress;
};

struct ScenarioStats {
  uint64_t runs = 0;
  uint64_t failures = 0;
  double busy_seconds = 0;  // wall time spent inside this scenario's runs
  uint64_t steps = 0;
};

struct RunHash {
  std::string scenario;
  uint64_t seed = 0;
  uint64_t hash = 0;
  bool passed = true;
};

struct FailingRun {
  std::string scenario;
  uint64_t seed = 0;
  std::string invariant;
};

struct ExploreResult {
  uint64_t runs = 0;
  uint64_t failures = 0;
  double seconds = 0;          // wall
  uint64_t combined_hash = 0;  // over completed runs, in item order
  std::optional<RunResult> first_failure;
  uint64_t runs_until_first_failure = 0;  // 1-based position of the failing item
  absl::btree_map<std::string, ScenarioStats> per_scenario;
  std::vector<RunHash> hashes;      // with keep_hashes, in item order
  std::vector<FailingRun> failing;  // every failing run counted, in item order
  Coverage coverage;                // merged over every completed run
};

ExploreResult Explore(const ExploreOptions& options);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_EXPLORER_H_
