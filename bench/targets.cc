#include "bench/targets.h"

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

// liminald's `key` against `peer`'s in `workload_name`: passes when liminald's value is at
// least (`at_least`) or at most (!`at_least`) `factor` times the peer's.
TargetResult CompareWithPeer(const RunResults& results, std::string name,
                             std::string_view workload_name, const std::string& key,
                             std::string_view unit, System peer, bool at_least, double factor) {
  const WorkloadResult* workload = FindWorkload(results, workload_name);
  if (std::optional<TargetResult> missing = LiminaldMissing(workload, key, name)) return *missing;
  TargetResult target;
  target.name = std::move(name);
  if (std::optional<std::string> why = Missing(workload, peer, key)) {
    target.verdict = Verdict::kSkip;
    target.detail = *why;
    return target;
  }
  const double lim = *workload->Find(System::kLiminald)->Median(key);
  const double other = *workload->Find(peer)->Median(key);
  const bool ok = at_least ? lim >= factor * other : lim <= factor * other;
  target.verdict = ok ? Verdict::kPass : Verdict::kFail;
  const std::string peer_name = SystemName(peer);
  target.detail =
      absl::StrCat("liminald ", FormatValue(lim, unit), ", ", peer_name, " ",
                   FormatValue(other, unit), ": ratio ", FormatRatio(other != 0 ? lim / other : 0),
                   " (needs ", at_least ? ">= " : "<= ", FormatRatio(factor), ")");
  return target;
}

// liminald's `key` in `workload_name` against a fixed `limit`.
TargetResult Threshold(const RunResults& results, std::string name, std::string_view workload_name,
                       const std::string& key, std::string_view unit, double limit,
                       bool inclusive) {
  const WorkloadResult* workload = FindWorkload(results, workload_name);
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
  constexpr bool kAtLeast = true;
  constexpr bool kAtMost = false;
  for (const auto& [workload, title] : {std::pair<const char*, const char*>{"pubsub-16", "16 B"},
                                        {"pubsub-256", "256 B"},
                                        {"pubsub-4096", "4 KiB"}}) {
    targets.push_back(CompareWithPeer(
        results,
        absl::StrCat("pub->sub ", title, ": liminald rate >= ", FormatRatio(kMinPubSubRateVsNats),
                     " NATS rate"),
        workload, "rate", "msg/s", System::kNats, kAtLeast, kMinPubSubRateVsNats));
  }
  targets.push_back(CompareWithPeer(
      results,
      absl::StrCat("pub->sub 4 KiB: liminald rate >= ", FormatRatio(kMinLargePubSubRateVsRedis),
                   " Redis rate"),
      "pubsub-4096", "rate", "msg/s", System::kRedis, kAtLeast, kMinLargePubSubRateVsRedis));
  targets.push_back(Threshold(results,
                              absl::StrCat("pub->sub 4 KiB: liminald server CPU per message < ",
                                           FormatValue(kMaxLargePubSubServerCpuUs, "us")),
                              "pubsub-4096", "server_cpu_us", "us", kMaxLargePubSubServerCpuUs,
                              false));
  targets.push_back(Threshold(results,
                              absl::StrCat("pub->sub 4 KiB: liminald RSS after the run <= ",
                                           FormatValue(kMaxLargePubSubServerRssBytes, "B")),
                              "pubsub-4096", "server_rss_bytes", "B", kMaxLargePubSubServerRssBytes,
                              true));
  targets.push_back(CompareWithPeer(
      results,
      absl::StrCat("fan-out 1->5 64 B: liminald rate >= ", FormatRatio(kMinFanOutRateVsNats),
                   " NATS rate"),
      "fanout", "rate", "msg/s", System::kNats, kAtLeast, kMinFanOutRateVsNats));
  targets.push_back(
      CompareWithPeer(results,
                      absl::StrCat("request/reply p50: liminald conversation <= ",
                                   FormatRatio(kMaxRequestReplyP50VsNats), " NATS request/reply"),
                      "reqrep", "p50_us", "us", System::kNats, kAtMost, kMaxRequestReplyP50VsNats));
  targets.push_back(CompareWithPeer(
      results, "latency under load: liminald pub->sub p99 <= NATS p99 (256 B, same offered rate)",
      "latency-load", "p99_us", "us", System::kNats, kAtMost, 1.0));
  targets.push_back(Threshold(results,
                              absl::StrCat("idle connections: liminald RSS per connection <= ",
                                           FormatValue(kMaxRssPerConnectionBytes, "B")),
                              "connections", "rss_per_conn", "B", kMaxRssPerConnectionBytes, true));
  targets.push_back(Threshold(results, "idle connections: liminald idle CPU < 1 %", "connections",
                              "idle_cpu_pct", "%", kMaxIdleCpuPercent, false));
  for (const auto& [workload, title] :
       {std::pair<const char*, const char*>{"durable-256", "256 B"}, {"durable-4096", "4 KiB"}}) {
    targets.push_back(CompareWithPeer(
        results,
        absl::StrCat("durable pub->sub ", title,
                     ": liminald (fsync always) rate >= JetStream (defaults) rate"),
        workload, "rate", "msg/s", System::kNats, kAtLeast, kMinDurableRateVsJetStream));
  }
  targets.push_back(AckWithinDiskSync(results));
  return targets;
}

}  // namespace liminal::bench
