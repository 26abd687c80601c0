#include "bench/targets.h"

#include <functional>
#include <optional>

#include "absl/strings/str_cat.h"
#include "bench/format.h"

namespace liminal::bench {
namespace {

const WorkloadResult* FindWorkload(const RunResults& results, std::string_view name) {
  for (const WorkloadResult& workload : results.workloads) {
    if (workload.name == name) return &workload;
  }
  return nullptr;
}

// Why `system` has no median for `key` in `workload`, or nullopt when it has one.
std::optional<std::string> Missing(const WorkloadResult* workload, System system,
                                   const std::string& key) {
  if (workload == nullptr) return "workload not run";
  const SystemResult* result = workload->Find(system);
  if (result == nullptr) return absl::StrCat(SystemName(system), " not run");
  if (result->outcome != Outcome::kOk) {
    return absl::StrCat(SystemName(system), " ", OutcomeName(result->outcome), ": ",
                        result->message.substr(0, result->message.find('\n')));
  }
  if (!result->Median(key).has_value()) return absl::StrCat(SystemName(system), " has no ", key);
  return std::nullopt;
}

// When liminald has no `key` in `workload`, the target's verdict and why: liminald failing
// to produce the number is a failure; not running it is a skip.
std::optional<TargetResult> LiminaldMissing(const WorkloadResult* workload, const std::string& key,
                                            const std::string& name) {
  std::optional<std::string> why = Missing(workload, System::kLiminald, key);
  if (!why.has_value()) return std::nullopt;
  const SystemResult* lim = workload != nullptr ? workload->Find(System::kLiminald) : nullptr;
  return TargetResult{.name = name,
                      .verdict = lim != nullptr && lim->outcome == Outcome::kError ? Verdict::kFail
                                                                                   : Verdict::kSkip,
                      .detail = *why};
}

// liminald's `key` against NATS's in `workload_name`; `ok(liminald, nats)` decides.
TargetResult CompareWithNats(const RunResults& results, std::string name,
                             std::string_view workload_name, const std::string& key,
                             std::string_view unit, std::string_view relation,
                             const std::function<bool(double, double)>& ok) {
  const WorkloadResult* workload = FindWorkload(results, workload_name);
  if (std::optional<TargetResult> missing = LiminaldMissing(workload, key, name)) return *missing;
  TargetResult target;
  target.name = std::move(name);
  if (std::optional<std::string> why = Missing(workload, System::kNats, key)) {
    target.verdict = Verdict::kSkip;
    target.detail = *why;
    return target;
  }
  const double lim = *workload->Find(System::kLiminald)->Median(key);
  const double nats = *workload->Find(System::kNats)->Median(key);
  target.verdict = ok(lim, nats) ? Verdict::kPass : Verdict::kFail;
  target.detail =
      absl::StrCat("liminald ", FormatValue(lim, unit), ", nats ", FormatValue(nats, unit),
                   ": ratio ", FormatRatio(nats != 0 ? lim / nats : 0), " (needs liminald ",
                   std::string(relation), " nats)");
  return target;
}

TargetResult Threshold(const RunResults& results, std::string name, const std::string& key,
                       std::string_view unit, double limit, bool inclusive) {
  const WorkloadResult* workload = FindWorkload(results, "connections");
  if (std::optional<TargetResult> missing = LiminaldMissing(workload, key, name)) return *missing;
  TargetResult target;
  target.name = std::move(name);
  const double value = *workload->Find(System::kLiminald)->Median(key);
  const bool ok = inclusive ? value <= limit : value < limit;
  target.verdict = ok ? Verdict::kPass : Verdict::kFail;
  target.detail = absl::StrCat("liminald ", FormatValue(value, unit), " (needs ",
                               inclusive ? "<= " : "< ", FormatValue(limit, unit), ")");
  return target;
}

// liminald's acknowledged durable publish p50 against this machine's disk fsync p50.
TargetResult AckWithinDiskSync(const RunResults& results) {
  const std::string name =
      absl::StrCat("durable publish->ack p50: liminald <= ", FormatRatio(kMaxDurableAckOverFsync),
                   " disk fsync p50");
  const WorkloadResult* workload = FindWorkload(results, "durable-ack");
  if (std::optional<TargetResult> missing = LiminaldMissing(workload, "p50_us", name)) {
    return *missing;
  }
  TargetResult target;
  target.name = name;
  if (!results.disk_sync.has_value()) {
    target.verdict = Verdict::kSkip;
    target.detail =
        absl::StrCat("disk fsync not measured", results.disk_sync_error.empty() ? "" : ": ",
                     results.disk_sync_error);
    return target;
  }
  constexpr double kSuspiciousDurableAckOverFsync = 0.25;
  const double lim = *workload->Find(System::kLiminald)->Median("p50_us");
  const double fsync = results.disk_sync->p50_us;
  const double ratio = fsync > 0 ? lim / fsync : 0;
  target.verdict = lim <= kMaxDurableAckOverFsync * fsync ? Verdict::kPass : Verdict::kFail;
  target.detail = absl::StrCat(
      "liminald ", FormatValue(lim, "us"), ", disk fsync ", FormatValue(fsync, "us"), ": ratio ",
      FormatRatio(ratio), " (needs liminald <= ", FormatRatio(kMaxDurableAckOverFsync), " fsync)");
  // The probe's fsync and the acks' fsyncs are separate samples of a noisy disk: only far
  // below one fsync is suspicious.
  if (lim < kSuspiciousDurableAckOverFsync * fsync) {
    absl::StrAppend(&target.detail,
                    "; far below one fsync: these acks cannot have waited for an fsync");
  }
  return target;
}

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kSkip:
      return "SKIP";
  }
  return "?";
}

std::vector<TargetResult> EvaluateTargets(const RunResults& results) {
  std::vector<TargetResult> targets;
  targets.push_back(CompareWithNats(results, "pub->sub 16 B: liminald rate >= NATS rate",
                                    "pubsub-16", "rate", "msg/s",
                                    ">=", [](double lim, double nats) { return lim >= nats; }));
  targets.push_back(CompareWithNats(results, "fan-out 1->5 64 B: liminald rate >= NATS rate",
                                    "fanout", "rate", "msg/s",
                                    ">=", [](double lim, double nats) { return lim >= nats; }));
  targets.push_back(CompareWithNats(
      results, "request/reply p50: liminald conversation <= NATS request/reply", "reqrep", "p50_us",
      "us", "<=", [](double lim, double nats) { return lim <= nats; }));
  targets.push_back(CompareWithNats(
      results, "latency under load: liminald pub->sub p99 <= NATS p99 (256 B, same offered rate)",
      "latency-load", "p99_us", "us", "<=", [](double lim, double nats) { return lim <= nats; }));
  targets.push_back(Threshold(results, "idle connections: liminald RSS per connection <= 16 KiB",
                              "rss_per_conn", "B", kMaxRssPerConnectionBytes, true));
  targets.push_back(Threshold(results, "idle connections: liminald idle CPU < 1 %", "idle_cpu_pct",
                              "%", kMaxIdleCpuPercent, false));
  for (const auto& [workload, title] :
       {std::pair<const char*, const char*>{"durable-256", "256 B"}, {"durable-4096", "4 KiB"}}) {
    targets.push_back(CompareWithNats(
        results,
        absl::StrCat("durable pub->sub ", title,
                     ": liminald (fsync always) rate >= JetStream (defaults) rate"),
        workload, "rate", "msg/s",
        ">=", [](double lim, double nats) { return lim >= kMinDurableRateVsJetStream * nats; }));
  }
  targets.push_back(AckWithinDiskSync(results));
  return targets;
}

}  // namespace liminal::bench
