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

// liminald's `key` against NATS's in `workload_name`; `ok(liminald, nats)` decides.
TargetResult CompareWithNats(const RunResults& results, std::string name,
                             std::string_view workload_name, const std::string& key,
                             std::string_view unit, std::string_view relation,
                             const std::function<bool(double, double)>& ok) {
  TargetResult target;
  target.name = std::move(name);
  const WorkloadResult* workload = FindWorkload(results, workload_name);
  if (std::optional<std::string> why = Missing(workload, System::kLiminald, key)) {
    // liminald failing to produce the number is a failure; not running it is a skip.
    const SystemResult* lim = workload != nullptr ? workload->Find(System::kLiminald) : nullptr;
    target.verdict =
        lim != nullptr && lim->outcome == Outcome::kError ? Verdict::kFail : Verdict::kSkip;
    target.detail = *why;
    return target;
  }
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
  TargetResult target;
  target.name = std::move(name);
  const WorkloadResult* workload = FindWorkload(results, "connections");
  if (std::optional<std::string> why = Missing(workload, System::kLiminald, key)) {
    const SystemResult* lim = workload != nullptr ? workload->Find(System::kLiminald) : nullptr;
    target.verdict =
        lim != nullptr && lim->outcome == Outcome::kError ? Verdict::kFail : Verdict::kSkip;
    target.detail = *why;
    return target;
  }
  const double value = *workload->Find(System::kLiminald)->Median(key);
  const bool ok = inclusive ? value <= limit : value < limit;
  target.verdict = ok ? Verdict::kPass : Verdict::kFail;
  target.detail = absl::StrCat("liminald ", FormatValue(value, unit), " (needs ",
                               inclusive ? "<= " : "< ", FormatValue(limit, unit), ")");
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
  targets.push_back(Threshold(results, "idle connections: liminald RSS per connection <= 16 KiB",
                              "rss_per_conn", "B", kMaxRssPerConnectionBytes, true));
  targets.push_back(Threshold(results, "idle connections: liminald idle CPU < 1 %", "idle_cpu_pct",
                              "%", kMaxIdleCpuPercent, false));
  return targets;
}

}  // namespace liminal::bench
