#include "bench/report.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"
#include "bench/format.h"

namespace liminal::bench {
namespace {

constexpr int kWorkloadWidth = 26;
constexpr int kMetricWidth = 18;
constexpr int kCellWidth = 16;
constexpr int kRatioWidth = 16;

std::string Cell(const WorkloadResult& workload, System system, const MetricSpec& metric) {
  const SystemResult* result = workload.Find(system);
  if (result == nullptr) return "-";
  switch (result->outcome) {
    case Outcome::kUnavailable:
      return "n/a";
    case Outcome::kError:
      return "ERROR";
    case Outcome::kOk:
      break;
  }
  std::optional<double> median = result->Median(metric.key);
  if (!median.has_value()) return "?";
  std::string text = FormatValue(*median, metric.unit);
  auto spread = result->spreads.find(metric.key);
  if (result->trials.size() >= 2 && spread != result->spreads.end()) {
    absl::StrAppend(&text, fmt::format(" ±{:.0f}%", spread->second * 50));
  }
  return text;
}

std::optional<double> Ratio(const WorkloadResult& workload, System peer, const std::string& key) {
  const SystemResult* lim = workload.Find(System::kLiminald);
  const SystemResult* other = workload.Find(peer);
  if (lim == nullptr || other == nullptr) return std::nullopt;
  std::optional<double> a = lim->Median(key);
  std::optional<double> b = other->Median(key);
  if (!a.has_value() || !b.has_value() || *b == 0) return std::nullopt;
  return *a / *b;
}

// fmt pads by code points; "±" is one, so the columns stay aligned.
std::string Pad(std::string_view text, int width) { return fmt::format("{:<{}}", text, width); }

const WorkloadResult* FindWorkload(const RunResults& results, std::string_view name) {
  for (const WorkloadResult& workload : results.workloads) {
    if (workload.name == name) return &workload;
  }
  return nullptr;
}

// liminald's push round trip (requester → server → worker → server → requester) against
// NATS request/reply (requester → server → responder → server → requester): the same hops,
// unlike the echo conversation, which liminald answers itself.
std::optional<std::string> LikeForLike(const RunResults& results) {
  const WorkloadResult* push = FindWorkload(results, "push");
  const WorkloadResult* reqrep = FindWorkload(results, "reqrep");
  if (push == nullptr || reqrep == nullptr) return std::nullopt;
  const SystemResult* lim = push->Find(System::kLiminald);
  const SystemResult* nats = reqrep->Find(System::kNats);
  if (lim == nullptr || nats == nullptr) return std::nullopt;
  std::optional<double> a = lim->Median("p50_us");
  std::optional<double> b = nats->Median("p50_us");
  if (!a.has_value() || !b.has_value() || *b == 0) return std::nullopt;
  return absl::StrCat("liminald push round trip p50 ", FormatValue(*a, "us"),
                      " vs NATS request/reply p50 ", FormatValue(*b, "us"), " (",
                      FormatRatio(*a / *b), ")");
}

// liminald's pub->sub 256 B over TLS against the same workload in plaintext.
std::optional<std::string> TlsVsPlaintext(const RunResults& results) {
  const WorkloadResult* tls = FindWorkload(results, "pubsub-256-tls");
  const WorkloadResult* plain = FindWorkload(results, "pubsub-256");
  if (tls == nullptr || plain == nullptr) return std::nullopt;
  const SystemResult* a = tls->Find(System::kLiminald);
  const SystemResult* b = plain->Find(System::kLiminald);
  if (a == nullptr || b == nullptr) return std::nullopt;
  std::optional<double> tls_rate = a->Median("rate");
  std::optional<double> plain_rate = b->Median("rate");
  if (!tls_rate.has_value() || !plain_rate.has_value() || *plain_rate == 0) return std::nullopt;
  std::string line = absl::StrCat(
      "liminald pub->sub 256 B over TLS ", FormatValue(*tls_rate, "msg/s"), " vs plaintext ",
      FormatValue(*plain_rate, "msg/s"), " (", FormatRatio(*tls_rate / *plain_rate), ")");
  std::optional<double> tls_cpu = a->Median("server_cpu_us");
  std::optional<double> plain_cpu = b->Median("server_cpu_us");
  if (tls_cpu.has_value() && plain_cpu.has_value() && *plain_cpu != 0) {
    absl::StrAppend(&line, "; server CPU/msg ", FormatValue(*tls_cpu, "us"), " vs ",
                    FormatValue(*plain_cpu, "us"), " (", FormatRatio(*tls_cpu / *plain_cpu), ")");
  }
  return line;
}

std::string DescribeDiskSync(const DiskSyncResult& disk) {
  const std::string size = disk.write_bytes % 1024 == 0
                               ? absl::StrCat(disk.write_bytes / 1024, " KiB")
                               : absl::StrCat(disk.write_bytes, " B");
  return absl::StrCat("fsync p50 ", FormatValue(disk.p50_us, "us"), ", p99 ",
                      FormatValue(disk.p99_us, "us"), " (", size, " append + fdatasync x",
                      disk.iterations, " in ", disk.where, ")");
}

// What each side's durable acknowledgement waits for, and the disk the stores live on.
void PrintDurableSection(std::ostream& out, const RunResults& results) {
  if (results.durable_sync_settings.empty() && !results.disk_sync.has_value() &&
      results.disk_sync_error.empty()) {
    return;
  }
  out << "\nDurable workloads: each side's sync setting, and this machine's disk:\n";
  for (const auto& [system, setting] : results.durable_sync_settings) {
    out << "  " << Pad(SystemName(system), 10) << setting << "\n";
  }
  if (results.disk_sync.has_value()) {
    out << "  " << Pad("disk", 10) << DescribeDiskSync(*results.disk_sync) << "\n";
  } else if (!results.disk_sync_error.empty()) {
    out << "  " << Pad("disk", 10) << "fsync not measured: " << results.disk_sync_error << "\n";
  }
}

}  // namespace

void PrintReport(std::ostream& out, const RunResults& results,
                 const std::vector<TargetResult>& targets, const MachineInfo& machine,
                 bool targets_evaluated) {
  std::vector<System> peers;
  for (System system : results.systems) {
    if (system != System::kLiminald) peers.push_back(system);
  }
  const bool with_ratios = std::find(results.systems.begin(), results.systems.end(),
                                     System::kLiminald) != results.systems.end();

  out << "\nliminal-bench (" << results.mode << " mode) on " << machine.online_cpus << " CPU(s), "
      << machine.cpu_model << ", " << machine.kernel << "; load average " << machine.load_average
      << "; " << FormatSeconds(results.wall_seconds) << " in total\n";
  for (const auto& [system, description] : results.server_descriptions) {
    out << "  " << Pad(SystemName(system), 9) << description << "\n";
  }
  out << "\n";

  std::string header = Pad("workload", kWorkloadWidth) + Pad("metric", kMetricWidth);
  for (System system : results.systems) header += Pad(SystemName(system), kCellWidth);
  if (with_ratios) {
    for (System peer : peers)
      header += Pad(absl::StrCat("liminald/", SystemName(peer)), kRatioWidth);
  }
  while (!header.empty() && header.back() == ' ') header.pop_back();
  out << header << "\n" << std::string(header.size(), '-') << "\n";
  for (const WorkloadResult& workload : results.workloads) {
    bool first = true;
    for (const MetricSpec& metric : workload.metrics) {
      std::string line =
          Pad(first ? workload.title : "", kWorkloadWidth) + Pad(metric.label, kMetricWidth);
      for (System system : results.systems) line += Pad(Cell(workload, system, metric), kCellWidth);
      if (with_ratios) {
        for (System peer : peers) {
          std::optional<double> ratio = Ratio(workload, peer, metric.key);
          line += Pad(ratio.has_value() ? FormatRatio(*ratio) : "-", kRatioWidth);
        }
      }
      // Trailing spaces would only add noise to pasted tables.
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << "\n";
      first = false;
    }
  }
  PrintDurableSection(out, results);
  out << "\nMedians over the trials; ±: half the min-max range of the trials, relative to the "
         "median.\nRatios are liminald / peer: for msgs/s higher is better; for latency, RSS "
         "and CPU lower is better.\n";

  bool notes_header = false;
  for (const WorkloadResult& workload : results.workloads) {
    for (const SystemResult& result : workload.systems) {
      std::string note;
      if (result.outcome != Outcome::kOk) {
        note = absl::StrCat(OutcomeName(result.outcome), ": ", result.message);
      } else if (!result.method.empty()) {
        note = result.method;
      }
      if (note.empty()) continue;
      if (!notes_header) {
        out << "\nNotes:\n";
        notes_header = true;
      }
      out << "  " << workload.name << " / " << SystemName(result.system) << ": " << note << "\n";
    }
  }

  if (std::optional<std::string> line = LikeForLike(results)) {
    out << "\nLike-for-like hops: " << *line << "\n";
  }
  if (std::optional<std::string> line = TlsVsPlaintext(results)) {
    out << "\nTLS vs plaintext: " << *line << "\n";
  }

  out << "\nTargets:\n";
  if (!targets_evaluated) {
    out << "  (not evaluated in --smoke mode)\n";
    return;
  }
  for (const TargetResult& target : targets) {
    out << "  " << VerdictName(target.verdict) << "  " << target.name << " — " << target.detail
        << "\n";
  }
}

absl::Status WriteJsonReport(const std::string& path, const RunResults& results,
                             const std::vector<TargetResult>& targets, const MachineInfo& machine,
                             bool targets_evaluated) {
  using nlohmann::json;
  json root;
  root["tool"] = "liminal-bench";
  root["mode"] = results.mode;
  root["wall_seconds"] = results.wall_seconds;
  root["machine"] = {{"online_cpus", machine.online_cpus},
                     {"cpu_model", machine.cpu_model},
                     {"kernel", machine.kernel},
                     {"load_average", machine.load_average}};
  json servers = json::object();
  for (const auto& [system, description] : results.server_descriptions) {
    servers[std::string(SystemName(system))] = description;
  }
  root["servers"] = servers;
  json workloads = json::array();
  for (const WorkloadResult& workload : results.workloads) {
    json w;
    w["name"] = workload.name;
    w["title"] = workload.title;
    w["description"] = workload.description;
    json metrics = json::array();
    for (const MetricSpec& metric : workload.metrics) {
      metrics.push_back({{"key", metric.key},
                         {"label", metric.label},
                         {"unit", metric.unit},
                         {"better", metric.better == Better::kHigher ? "higher" : "lower"}});
    }
    w["metrics"] = metrics;
    json systems = json::object();
    for (const SystemResult& result : workload.systems) {
      json s;
      s["outcome"] = OutcomeName(result.outcome);
      if (!result.message.empty()) s["message"] = result.message;
      if (!result.method.empty()) s["method"] = result.method;
      s["trials"] = result.trials;
      s["median"] = result.medians;
      s["spread"] = result.spreads;
      systems[std::string(SystemName(result.system))] = s;
    }
    w["systems"] = systems;
    json ratios = json::object();
    for (System peer : {System::kNats, System::kRedis}) {
      json per_metric = json::object();
      for (const MetricSpec& metric : workload.metrics) {
        if (std::optional<double> ratio = Ratio(workload, peer, metric.key)) {
          per_metric[metric.key] = *ratio;
        }
      }
      if (!per_metric.empty()) ratios[absl::StrCat("liminald/", SystemName(peer))] = per_metric;
    }
    w["ratios"] = ratios;
    workloads.push_back(w);
  }
  root["workloads"] = workloads;
  if (std::optional<std::string> line = LikeForLike(results)) root["like_for_like"] = *line;
  if (std::optional<std::string> line = TlsVsPlaintext(results)) root["tls_vs_plaintext"] = *line;
  if (!results.durable_sync_settings.empty() || results.disk_sync.has_value() ||
      !results.disk_sync_error.empty()) {
    json durable = json::object();
    json settings = json::object();
    for (const auto& [system, setting] : results.durable_sync_settings) {
      settings[std::string(SystemName(system))] = setting;
    }
    durable["sync_settings"] = settings;
    if (results.disk_sync.has_value()) {
      const DiskSyncResult& disk = *results.disk_sync;
      durable["disk_fsync"] = {{"where", disk.where},           {"write_bytes", disk.write_bytes},
                               {"iterations", disk.iterations}, {"p50_us", disk.p50_us},
                               {"p99_us", disk.p99_us},         {"max_us", disk.max_us}};
    } else {
      durable["disk_fsync_error"] = results.disk_sync_error;
    }
    root["durable"] = durable;
  }
  root["targets_evaluated"] = targets_evaluated;
  json target_list = json::array();
  if (targets_evaluated) {
    for (const TargetResult& target : targets) {
      target_list.push_back({{"name", target.name},
                             {"verdict", VerdictName(target.verdict)},
                             {"detail", target.detail}});
    }
  }
  root["targets"] = target_list;

  std::ofstream out(path, std::ios::trunc);
  out << root.dump(2) << "\n";
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace liminal::bench
