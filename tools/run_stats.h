// Counting the results of a run (`pub --count`, `req --count`, `ping --count`, `sub`,
// `worker`) and summarising them: messages, errors, elapsed time, rate and, when latencies
// were recorded, the p50/p90/p99/max latency (nearest-rank percentiles over every sample).
//
//   RunStats stats(absl::Now());
//   stats.RecordSuccess(ack_time - send_time);   // or RecordSuccess() without a latency
//   stats.RecordFailure();
//   RunSummary summary = stats.Summarize(absl::Now());
//   io.err << FormatSummary("pub", "published", "message", summary) << "\n";
//   // pub: published 1000 messages in 1.234 s (810.4/s), 0 errors;
//   //      latency ms p50 0.212 p90 0.401 p99 1.200 max 3.400
//   WriteJsonLine(io.out, SummaryToJson("pub", summary));
//   // {"summary":{"command":"pub","messages":1000,"errors":0,"elapsed_s":1.234,...}}
//
// Every latency is kept (8 bytes each) so the percentiles are exact.
// Thread-safety: none; use from one thread.
#ifndef LIMINAL_TOOLS_RUN_STATS_H_
#define LIMINAL_TOOLS_RUN_STATS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "tools/output_format.h"

namespace liminal::tools {

struct LatencySummary {
  absl::Duration p50;
  absl::Duration p90;
  absl::Duration p99;
  absl::Duration max;

  friend bool operator==(const LatencySummary&, const LatencySummary&) = default;
};

struct RunSummary {
  uint64_t messages = 0;  // successful results
  uint64_t errors = 0;
  absl::Duration elapsed;
  double rate = 0;  // messages per second of elapsed time (0 when elapsed is zero)
  std::optional<LatencySummary> latency;  // only when latencies were recorded
  std::optional<double> requested_rate;   // --rate, when the run was paced
};

// A paced run held its rate when it achieved at least this fraction of the requested rate
// (the slack covers timer granularity and the last reply's latency in short runs).
inline constexpr double kRateHeldFraction = 0.98;

// False when summary.requested_rate is set and summary.rate fell short of it.
bool RateHeld(const RunSummary& summary);

// The nearest-rank percentile `p` (0 < p <= 100) of `sorted` (ascending, non-empty): the
// smallest sample with at least p% of the samples at or below it.
absl::Duration NearestRankPercentile(const std::vector<absl::Duration>& sorted, double p);

class RunStats {
 public:
  explicit RunStats(absl::Time start) : start_(start) {}

  void RecordSuccess(absl::Duration latency);
  void RecordSuccess() { ++messages_; }
  void RecordFailure() { ++errors_; }

  uint64_t messages() const { return messages_; }
  uint64_t errors() const { return errors_; }
  absl::Time start() const { return start_; }

  RunSummary Summarize(absl::Time end) const;

 private:
  absl::Time start_;
  uint64_t messages_ = 0;
  uint64_t errors_ = 0;
  std::vector<absl::Duration> latencies_;
};

// "<command>: <verb> N <noun>s in S s (R/s), E errors[; latency ms p50 .. max ..]", and
// when the requested rate was not held a second line "<command>: requested 50000 msg/s,
// achieved 31200 msg/s: the rate was not held" ("<noun>/s" for nouns other than message).
std::string FormatSummary(std::string_view command, std::string_view verb, std::string_view noun,
                          const RunSummary& summary);

// "1 message", "2 messages", "2 pushes".
std::string CountOf(uint64_t count, std::string_view noun);

// {"summary":{"command":..,"messages":.. (successful results, whatever the
// noun),"errors":..,"elapsed_s":..,"rate_per_s":..,
//   "latency_ms":{"p50":..,"p90":..,"p99":..,"max":..},
//   "requested_rate_per_s":..,"rate_held":true|false}}
// (latency_ms only when recorded, the rate fields only for a paced run).
Json SummaryToJson(std::string_view command, const RunSummary& summary);

// A duration in milliseconds as a double (for JSON and text output).
double ToMilliseconds(absl::Duration duration);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_RUN_STATS_H_
