// The performance targets, each checked against measurements from the same run:
//   * pub→sub 16 B, 256 B and 4 KiB: liminald delivers at least 1.5× NATS's rate;
//   * pub→sub 4 KiB: at least 1.2× Redis's rate, under 2.5 µs of server CPU per message, and
//     the server's resident memory at the end of the run under 256 MiB (a bounded working
//     set: the allocator must reuse what the message path frees);
//   * fan-out: liminald delivers at least 1.5× NATS's rate;
//   * request/reply: liminald conversation p50 ≤ 0.5× NATS request/reply p50;
//   * latency under load: liminald's publish→deliver p99 ≤ NATS's, at the same offered rate
//     (half of NATS's maximum), 256 B;
//   * idle connections: liminald ≤ 9 KiB RSS per connection, and idle CPU < 1 %;
//   * durable pub→sub 256 B and 4 KiB: liminald (fsync always) delivers at least NATS
//     JetStream's rate (JetStream at its defaults);
//   * durable publish→ack: liminald's p50 ≤ 2× this machine's disk fsync p50
//     (RunResults::disk_sync). A p50 below one fsync is flagged in the detail: such acks
//     cannot have waited for an fsync.
// A target whose inputs were not measured (filtered out, peer unavailable, liminald error)
// is SKIP or FAIL with the reason.
//
//   std::vector<TargetResult> targets = EvaluateTargets(results);
//   for (const TargetResult& t : targets) std::cout << VerdictName(t.verdict) << " " << t.name;
//
// Thread-safety: pure functions.
#ifndef LIMINAL_BENCH_TARGETS_H_
#define LIMINAL_BENCH_TARGETS_H_

#include <string>
#include <string_view>
#include <vector>

#include "bench/results.h"

namespace liminal::bench {

enum class Verdict { kPass, kFail, kSkip };

// "PASS", "FAIL", "SKIP".
const char* VerdictName(Verdict verdict);

struct TargetResult {
  std::string name;
  Verdict verdict = Verdict::kSkip;
  std::string detail;  // the numbers compared, or why it was skipped
};

inline constexpr double kMinPubSubRateVsNats = 1.5;
inline constexpr double kMinLargePubSubRateVsRedis = 1.2;
inline constexpr double kMaxLargePubSubServerCpuUs = 2.5;
inline constexpr double kMaxLargePubSubServerRssBytes = 256.0 * 1024 * 1024;
inline constexpr double kMinFanOutRateVsNats = 1.5;
inline constexpr double kMaxRequestReplyP50VsNats = 0.5;
inline constexpr double kMaxRssPerConnectionBytes = 9 * 1024;
inline constexpr double kMaxIdleCpuPercent = 1.0;
inline constexpr double kMinDurableRateVsJetStream = 1.0;
inline constexpr double kMaxDurableAckOverFsync = 2.0;

std::vector<TargetResult> EvaluateTargets(const RunResults& results);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_TARGETS_H_
