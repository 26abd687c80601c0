// liminal-bench: runs the same workloads against liminald, NATS and Redis pub/sub in one
// session, alternating systems trial by trial, and reports medians, ratios and targets.
// See options.h for the command line and README.md ("Performance") for how to read it.
//
// Exit status: 0 when every workload ran for every available system; 1 when a workload
// failed (an error, not an unavailable system or feature); 2 with --fail-on-target when a
// target FAILed; 64 for a bad command line. With --soak, soak.h's exit status.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/connections_workload.h"
#include "bench/disk_sync.h"
#include "bench/fd_limit.h"
#include "bench/format.h"
#include "bench/liminal_driver.h"
#include "bench/load_latency_workload.h"
#include "bench/nats_driver.h"
#include "bench/options.h"
#include "bench/proc_metrics.h"
#include "bench/redis_driver.h"
#include "bench/report.h"
#include "bench/runner.h"
#include "bench/soak.h"
#include "bench/targets.h"
#include "bench/workload_catalog.h"

namespace liminal::bench {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitWorkloadFailed = 1;
constexpr int kExitTargetFailed = 2;
constexpr int kExitUsage = 64;

// Descriptors the harness needs besides one per idle connection.
constexpr int64_t kSpareDescriptors = 512;

struct Systems {
  std::vector<std::unique_ptr<Driver>> drivers;
  std::vector<SystemEntry> entries;
  std::vector<std::pair<System, std::string>> descriptions;
};

Systems MakeSystems(const BenchOptions& options) {
  Systems systems;
  for (System system : options.systems) {
    std::unique_ptr<Driver> driver;
    std::string unavailable;
    switch (system) {
      case System::kLiminald: {
        // Absolute: the server runs in its own temporary directory.
        const std::string path =
            std::filesystem::absolute(options.liminald.value_or(DefaultLiminaldPath())).string();
        if (::access(path.c_str(), X_OK) == 0) {
          driver = MakeLiminalDriver({.binary = path});
        } else {
          unavailable = absl::StrCat("liminald not found at ", path,
                                     " (build the liminald target or pass --liminald PATH)");
        }
        break;
      }
      case System::kNats: {
        absl::StatusOr<std::string> path = FindBinary("nats-server", options.nats_server);
        if (path.ok()) {
          driver = MakeNatsDriver({.binary = *path});
        } else {
          unavailable = absl::StrCat(path.status().message(),
                                     " (apt-get install nats-server, or pass --nats-server PATH)");
        }
        break;
      }
      case System::kRedis: {
        absl::StatusOr<std::string> path = FindBinary("redis-server", options.redis_server);
        if (path.ok()) {
          driver = MakeRedisDriver({.binary = *path});
        } else {
          unavailable =
              absl::StrCat(path.status().message(),
                           " (apt-get install redis-server, or pass --redis-server PATH)");
        }
        break;
      }
    }
    if (driver != nullptr) {
      systems.descriptions.emplace_back(system, driver->ServerDescription());
    } else {
      std::cerr << "liminal-bench: skipping " << SystemName(system) << ": " << unavailable << "\n";
      systems.descriptions.emplace_back(system, absl::StrCat("unavailable: ", unavailable));
    }
    systems.entries.push_back(
        {.system = system, .driver = driver.get(), .unavailable = unavailable});
    if (driver != nullptr) systems.drivers.push_back(std::move(driver));
  }
  return systems;
}

// The disk sync probe the durable workloads are read against, run once before the first of
// them (so it sees the disk as they will).
void MeasureDisk(RunResults& results) {
  const DiskSyncSpec spec;
  std::cerr << "[disk-fsync] " << spec.write_bytes << "-byte append + fdatasync, "
            << spec.iterations << " iterations, where the servers' temp dirs live\n";
  absl::StatusOr<DiskSyncResult> disk = MeasureDiskSync(spec);
  if (!disk.ok()) {
    results.disk_sync_error = std::string(disk.status().message());
    std::cerr << "  failed: " << results.disk_sync_error << "\n";
    return;
  }
  std::cerr << "  " << disk->where << ": p50 " << FormatValue(disk->p50_us, "us") << ", p99 "
            << FormatValue(disk->p99_us, "us") << "\n";
  results.disk_sync = *std::move(disk);
}

// Sets latency-load's offered rate: --load-rate, else half of NATS's pub->sub 256 B median
// from this run, else half of a NATS rate measured now for the purpose. Without NATS the
// rate falls back to liminald's own measured rate, and the workload says so.
void CalibrateLoadRate(LoadLatencyWorkload& load, const BenchOptions& options,
                       const RunResults& results, const Systems& systems) {
  if (options.load_rate.has_value()) {
    load.SetOfferedRate(*options.load_rate, "--load-rate");
    return;
  }
  for (const WorkloadResult& workload : results.workloads) {
    if (workload.name != "pubsub-256") continue;
    const SystemResult* nats = workload.Find(System::kNats);
    if (nats == nullptr || nats->outcome != Outcome::kOk) continue;
    if (std::optional<double> rate = nats->Median("rate")) {
      load.SetOfferedRate(kLoadFractionOfNatsMax * *rate,
                          absl::StrCat("half of NATS's pub->sub 256 B median in this run, ",
                                       FormatValue(*rate, "msg/s"), " msg/s"));
      return;
    }
  }
  // Not in this run: measure the maximum once, for each system in the order NATS, liminald.
  PubSubSpec spec{.subscribers = 1,
                  .payload_bytes = 256,
                  .warmup = load.spec().warmup,
                  .measure = load.spec().measure,
                  .publish_window = options.publish_window.value_or(options.e2e_window),
                  .e2e_window = options.e2e_window};
  for (System system : {System::kNats, System::kLiminald}) {
    for (const SystemEntry& entry : systems.entries) {
      if (entry.system != system || entry.driver == nullptr) continue;
      std::cerr << "[latency-load] measuring " << SystemName(system)
                << "'s pub->sub 256 B rate for the offered load\n";
      absl::StatusOr<PubSubResult> measured = absl::UnavailableError("server did not start");
      if (entry.driver->StartServer().ok()) measured = entry.driver->RunPubSub(spec);
      entry.driver->StopServer();
      if (!measured.ok()) continue;
      load.SetOfferedRate(kLoadFractionOfNatsMax * measured->deliveries_per_second,
                          absl::StrCat("half of ", SystemName(system), "'s pub->sub 256 B rate, ",
                                       FormatValue(measured->deliveries_per_second, "msg/s"),
                                       " msg/s, measured once for it",
                                       system == System::kNats ? "" : " (NATS unavailable)"));
      return;
    }
  }
}

int Main(int argc, char** argv) {
  std::variant<BenchOptions, int> parsed = ParseOptions(argc, argv);
  if (const int* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  BenchOptions& options = std::get<BenchOptions>(parsed);
  if (options.soak.has_value()) return RunSoak(options);

  absl::StatusOr<std::vector<std::unique_ptr<Workload>>> workloads = MakeWorkloads(options);
  if (!workloads.ok()) {
    std::cerr << "liminal-bench: " << workloads.status().message() << "\n";
    return kExitUsage;
  }
  if (options.list) {
    for (const auto& workload : *workloads) {
      std::cout << workload->name() << ": " << workload->title() << " — " << workload->description()
                << " (" << workload->trials() << " trials)\n";
    }
    return kExitOk;
  }

  // One descriptor per idle connection here, and the servers inherit the limit.
  for (auto& workload : *workloads) {
    auto* connections = dynamic_cast<ConnectionsWorkload*>(workload.get());
    if (connections == nullptr) continue;
    const int64_t wanted = static_cast<int64_t>(connections->spec().connections);
    const int64_t limit = RaiseFileLimit(wanted + kSpareDescriptors);
    if (limit < wanted + kSpareDescriptors) {
      ConnectionsSpec reduced = connections->spec();
      reduced.connections = static_cast<size_t>(std::max<int64_t>(limit - kSpareDescriptors, 1));
      std::cerr << "liminal-bench: RLIMIT_NOFILE is " << limit << ": running "
                << reduced.connections << " idle connections instead of " << wanted << "\n";
      workload = std::make_unique<ConnectionsWorkload>(reduced, connections->trials());
    }
  }

  Systems systems = MakeSystems(options);
  const absl::Time start = absl::Now();
  RunResults results;
  results.mode = std::string(ModeName(options.mode));
  results.systems = options.systems;
  results.server_descriptions = systems.descriptions;
  Runner runner(systems.entries, std::cerr);
  bool durable_ran = false;
  for (auto& workload : *workloads) {
    if (workload->server_mode() == ServerMode::kDurable && !durable_ran) {
      durable_ran = true;
      MeasureDisk(results);
    }
    if (auto* load = dynamic_cast<LoadLatencyWorkload*>(workload.get())) {
      CalibrateLoadRate(*load, options, results, systems);
      std::cerr << "[latency-load] offered rate "
                << FormatValue(load->spec().messages_per_second, "msg/s") << " msg/s\n";
    }
    results.workloads.push_back(runner.Run(*workload));
  }
  if (durable_ran) {
    for (const SystemEntry& entry : systems.entries) {
      if (entry.driver == nullptr) continue;
      if (std::string setting = entry.driver->DurableSyncSetting(); !setting.empty()) {
        results.durable_sync_settings.emplace_back(entry.system, std::move(setting));
      }
    }
  }
  results.wall_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  systems.drivers.clear();
  ShutdownNatsLibrary();

  const bool evaluate_targets = options.mode != Mode::kSmoke;
  const std::vector<TargetResult> targets =
      evaluate_targets ? EvaluateTargets(results) : std::vector<TargetResult>{};
  const MachineInfo machine = ReadMachineInfo();
  PrintReport(std::cout, results, targets, machine, evaluate_targets);
  if (absl::Status written =
          WriteJsonReport(options.json_out, results, targets, machine, evaluate_targets);
      !written.ok()) {
    std::cerr << "liminal-bench: " << written.message() << "\n";
    return kExitWorkloadFailed;
  }
  std::cout << "\nJSON results: " << options.json_out << "\n";

  // A liminald workload that fails, or a liminald that cannot be found, is a failure (the
  // harness exists to measure it). A peer's error is reported in the table, not fatal: on a
  // loaded 2-core machine a peer's trial can miss its short window (Redis once delivered
  // nothing in 300 ms of a smoke run), and that says nothing about liminald.
  bool workload_failed = false;
  for (const WorkloadResult& workload : results.workloads) {
    for (const SystemResult& system : workload.systems) {
      if (system.system == System::kLiminald && system.outcome == Outcome::kError) {
        workload_failed = true;
      }
    }
  }
  for (const SystemEntry& entry : systems.entries) {
    if (entry.system == System::kLiminald && entry.driver == nullptr) workload_failed = true;
  }
  if (workload_failed) return kExitWorkloadFailed;
  if (options.fail_on_target) {
    for (const TargetResult& target : targets) {
      if (target.verdict == Verdict::kFail) return kExitTargetFailed;
    }
  }
  return kExitOk;
}

}  // namespace
}  // namespace liminal::bench

int main(int argc, char** argv) {
  // Writes to a socket the server closed must fail with EPIPE, not kill the harness.
  std::signal(SIGPIPE, SIG_IGN);
  return liminal::bench::Main(argc, argv);
}
