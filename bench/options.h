// The liminal-bench command line.
//
//   liminal-bench                       # short mode: every workload, < 5 minutes
//   liminal-bench --full                # longer windows, more trials
//   liminal-bench --smoke               # a few seconds per workload, no targets (CTest)
//   liminal-bench --only liminald,nats --workload pubsub --workload reqrep
//   liminal-bench --workload durable    # durable channels vs NATS JetStream, + disk fsync
//   liminal-bench --json-out results.json --liminald build/release/daemon/liminald
//   liminal-bench --soak 20                # 20-minute soak of liminald (soak.h), no workloads
//   liminal-bench --soak 0.2 --soak-connections 60 --soak-sample-seconds 0.5   # CTest's smoke
//
// ParseOptions returns the options, or the exit code when the command line asked for help
// or was invalid (CLI11 has printed the message).
//
// Thread-safety: plain values.
#ifndef LIMINAL_BENCH_OPTIONS_H_
#define LIMINAL_BENCH_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bench/driver.h"

namespace liminal::bench {

enum class Mode { kSmoke, kShort, kFull };

// --soak and its settings (soak.h).
struct SoakOptions {
  double minutes = 0;
  int64_t connections = 1000;
  double sample_seconds = 5;
  std::optional<double> warmup_minutes;  // default: a quarter of the run
  double rss_tolerance_mib = 16;
  int64_t fd_tolerance = 32;
  double publishes_per_second = 200;
  double requests_per_second = 200;
  double pushes_per_second = 100;
  bool plant_leak = false;  // SoakTrafficSpec::plant_leak
};

// "smoke", "short", "full".
const char* ModeName(Mode mode);

struct BenchOptions {
  Mode mode = Mode::kShort;
  std::vector<System> systems = {System::kLiminald, System::kNats, System::kRedis};
  std::vector<std::string> workloads;  // empty = all; names or groups (workload_catalog.h)
  std::string json_out = "bench-results.json";
  std::optional<std::string> liminald;
  std::optional<std::string> nats_server;
  std::optional<std::string> redis_server;
  // Overrides of the mode's defaults.
  std::optional<int> trials;
  std::optional<double> seconds;  // measurement window of throughput/latency workloads
  std::optional<int64_t> connections;
  std::optional<uint64_t> publish_window;  // default: the e2e window
  // latency-load's offered rate; default: half of NATS's measured pub->sub 256 B rate.
  std::optional<double> load_rate;
  uint64_t e2e_window = 4096;
  bool fail_on_target = false;
  bool list = false;
  // Set by --soak: run the soak instead of the workloads.
  std::optional<SoakOptions> soak;
};

// The options, or the process exit code to return at once.
std::variant<BenchOptions, int> ParseOptions(int argc, char** argv);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_OPTIONS_H_
