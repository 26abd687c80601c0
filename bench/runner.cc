#include "bench/runner.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/format.h"
#include "bench/stats.h"

namespace liminal::bench {
namespace {

void Finish(const std::vector<MetricSpec>& metrics, SystemResult& result) {
  if (result.outcome != Outcome::kOk) return;
  // Every key any trial produced (extras included), so the JSON carries them too.
  std::map<std::string, std::vector<double>> values;
  for (const TrialValues& trial : result.trials) {
    for (const auto& [key, value] : trial) values[key].push_back(value);
  }
  for (const auto& [key, list] : values) {
    result.medians[key] = Median(list);
    result.spreads[key] = RelativeSpread(list);
  }
  (void)metrics;
}

std::string Summarize(const std::vector<MetricSpec>& metrics, const TrialValues& values) {
  std::string text;
  for (const MetricSpec& metric : metrics) {
    auto it = values.find(metric.key);
    if (it == values.end()) continue;
    absl::StrAppend(&text, text.empty() ? "" : ", ", metric.label, " ",
                    FormatValue(it->second, metric.unit));
  }
  return text;
}

}  // namespace

WorkloadResult Runner::Run(Workload& workload) {
  WorkloadResult result{.name = workload.name(),
                        .title = workload.title(),
                        .description = workload.description(),
                        .metrics = workload.metrics(),
                        .systems = {}};
  std::vector<SystemEntry*> active;
  for (SystemEntry& entry : systems_) {
    if (!workload.Supports(entry.system)) continue;
    SystemResult system_result;
    system_result.system = entry.system;
    if (entry.driver == nullptr) {
      system_result.outcome = Outcome::kUnavailable;
      system_result.message = entry.unavailable;
    } else {
      system_result.method = workload.Method(*entry.driver);
      active.push_back(&entry);
    }
    result.systems.push_back(std::move(system_result));
  }
  auto result_of = [&result](System system) -> SystemResult& {
    for (SystemResult& r : result.systems) {
      if (r.system == system) return r;
    }
    return result.systems.front();  // unreachable: every active system has a result
  };
  auto fail = [&](SystemEntry& entry, const absl::Status& status, std::string_view when) {
    SystemResult& r = result_of(entry.system);
    r.outcome =
        status.code() == absl::StatusCode::kUnimplemented ? Outcome::kUnavailable : Outcome::kError;
    r.message = absl::StrCat(std::string(when), status.message());
    progress_ << "  " << SystemName(entry.system) << ": " << OutcomeName(r.outcome) << ": "
              << r.message << "\n";
    entry.driver->StopServer();
  };
  auto failed = [&](const SystemEntry& entry) {
    return result_of(entry.system).outcome != Outcome::kOk;
  };

  progress_ << "[" << workload.name() << "] " << workload.title() << ": " << workload.description()
            << "\n";
  if (!workload.fresh_server_per_trial()) {
    for (SystemEntry* entry : active) {
      if (absl::Status s = entry->driver->StartServer(workload.server_mode()); !s.ok()) {
        fail(*entry, s, "server start: ");
      }
    }
  }
  for (int trial = 0; trial < workload.trials(); ++trial) {
    for (SystemEntry* entry : active) {
      if (failed(*entry)) continue;
      if (workload.fresh_server_per_trial()) {
        if (absl::Status s = entry->driver->StartServer(workload.server_mode()); !s.ok()) {
          fail(*entry, s, "server start: ");
          continue;
        }
      }
      const absl::Time start = absl::Now();
      absl::StatusOr<TrialValues> values = workload.RunTrial(*entry->driver);
      if (!values.ok()) {
        std::string when = absl::StrCat("trial ", trial + 1, ": ");
        if (const ServerProcess* server = entry->driver->server();
            server != nullptr && !server->running()) {
          absl::StrAppend(&when, "(the server exited; its last output:\n", server->OutputTail(10),
                          "\n) ");
        }
        fail(*entry, values.status(), when);
        continue;
      }
      progress_ << "  trial " << trial + 1 << "/" << workload.trials() << " "
                << SystemName(entry->system) << ": " << Summarize(result.metrics, *values) << " ("
                << FormatSeconds(absl::ToDoubleSeconds(absl::Now() - start)) << ")\n";
      result_of(entry->system).trials.push_back(*std::move(values));
      if (workload.fresh_server_per_trial()) entry->driver->StopServer();
    }
  }
  for (SystemEntry* entry : active) entry->driver->StopServer();
  for (SystemResult& r : result.systems) Finish(result.metrics, r);
  progress_.flush();
  return result;
}

}  // namespace liminal::bench
