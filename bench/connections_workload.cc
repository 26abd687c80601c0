#include "bench/connections_workload.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/idle_connections.h"
#include "bench/proc_metrics.h"

namespace liminal::bench {

std::string ConnectionsWorkload::title() const {
  return absl::StrCat(spec_.connections, " idle connections");
}

std::string ConnectionsWorkload::description() const {
  return absl::StrCat(spec_.connections, " client connections opened in batches of ", spec_.batch,
                      ", each completing the handshake; server RSS per connection "
                      "(VmRSS after - before) and server CPU while idle for ",
                      absl::FormatDuration(spec_.idle_window), "; fresh server per trial");
}

std::vector<MetricSpec> ConnectionsWorkload::metrics() const {
  return {{.key = "rss_per_conn", .label = "RSS/conn", .unit = "B", .better = Better::kLower},
          {.key = "idle_cpu_pct", .label = "idle CPU", .unit = "%", .better = Better::kLower}};
}

absl::StatusOr<TrialValues> ConnectionsWorkload::RunTrial(Driver& driver) {
  const ServerProcess* server = driver.server();
  if (server == nullptr) return absl::FailedPreconditionError("server is not running");
  absl::StatusOr<int64_t> rss_before = ReadRssBytes(server->pid());
  if (!rss_before.ok()) return rss_before.status();

  const absl::Time open_start = absl::Now();
  absl::StatusOr<std::unique_ptr<IdleConnections>> idle =
      IdleConnections::Open(server->host(), server->port(), spec_.connections,
                            driver.IdleConnectionHandshake(), {.batch = spec_.batch});
  if (!idle.ok()) {
    return absl::Status(idle.status().code(),
                        absl::StrCat("opening idle connections: ", idle.status().message()));
  }
  const double open_seconds = absl::ToDoubleSeconds(absl::Now() - open_start);
  // Measurement windows, not readiness polls.
  std::this_thread::sleep_for(absl::ToChronoMilliseconds(spec_.settle));
  absl::StatusOr<int64_t> rss_after = ReadRssBytes(server->pid());
  if (!rss_after.ok()) return rss_after.status();

  absl::StatusOr<absl::Duration> cpu_start = ReadCpuTime(server->pid());
  const absl::Time wall_start = absl::Now();
  std::this_thread::sleep_for(absl::ToChronoMilliseconds(spec_.idle_window));
  absl::StatusOr<absl::Duration> cpu_end = ReadCpuTime(server->pid());
  const absl::Duration wall = absl::Now() - wall_start;
  if (!cpu_start.ok()) return cpu_start.status();
  if (!cpu_end.ok()) return cpu_end.status();
  absl::StatusOr<int64_t> rss_idle = ReadRssBytes(server->pid());
  const size_t closed = (*idle)->CountClosedByServer();
  if (closed > 0) {
    return absl::UnavailableError(
        absl::StrCat("the server closed ", closed, " of the idle connections"));
  }

  const double count = static_cast<double>((*idle)->size());
  return TrialValues{{"rss_per_conn", static_cast<double>(*rss_after - *rss_before) / count},
                     {"idle_cpu_pct", 100.0 * absl::FDivDuration(*cpu_end - *cpu_start, wall)},
                     {"rss_before_bytes", static_cast<double>(*rss_before)},
                     {"rss_after_bytes", static_cast<double>(*rss_after)},
                     {"rss_after_idle_bytes", rss_idle.ok() ? static_cast<double>(*rss_idle) : 0.0},
                     {"connections", count},
                     {"open_seconds", open_seconds},
                     {"idle_window_seconds", absl::ToDoubleSeconds(wall)}};
}

}  // namespace liminal::bench
