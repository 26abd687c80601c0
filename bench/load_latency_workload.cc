#include "bench/load_latency_workload.h"

#include "absl/strings/str_cat.h"
#include "bench/format.h"
#include "bench/stats.h"

namespace liminal::bench {

std::string LoadLatencyWorkload::title() const {
  return absl::StrCat("pub->sub under load ", spec_.payload_bytes, " B");
}

std::string LoadLatencyWorkload::description() const {
  return absl::StrCat("publish->deliver latency at a fixed offered rate of ",
                      FormatValue(spec_.messages_per_second, "msg/s"), " msg/s (", rate_basis_,
                      "); 1 publisher, 1 subscriber, ", spec_.payload_bytes,
                      "-byte payloads carrying their send time; ",
                      absl::FormatDuration(spec_.measure), " after ",
                      absl::FormatDuration(spec_.warmup), " warm-up");
}

std::vector<MetricSpec> LoadLatencyWorkload::metrics() const {
  return {{.key = "p50_us", .label = "p50", .unit = "us", .better = Better::kLower},
          {.key = "p99_us", .label = "p99", .unit = "us", .better = Better::kLower},
          {.key = "p999_us", .label = "p99.9", .unit = "us", .better = Better::kLower},
          {.key = "delivered_rate",
           .label = "msgs/s delivered",
           .unit = "msg/s",
           .better = Better::kHigher}};
}

absl::StatusOr<TrialValues> LoadLatencyWorkload::RunTrial(Driver& driver) {
  if (spec_.messages_per_second <= 0) {
    return absl::FailedPreconditionError("latency-load: no offered rate was set");
  }
  absl::StatusOr<LoadLatencyResult> result = driver.RunPublishLatency(spec_);
  if (!result.ok()) return result.status();
  const LatencySummary summary = SummarizeLatencies(result->latencies_ns);
  if (summary.count == 0) {
    return absl::DeadlineExceededError("no message sent in the measured window was delivered");
  }
  const double seconds = absl::ToDoubleSeconds(spec_.measure);
  return TrialValues{{"p50_us", summary.p50_us},
                     {"p99_us", summary.p99_us},
                     {"p999_us", summary.p999_us},
                     {"delivered_rate", static_cast<double>(result->delivered_in_window) / seconds},
                     {"offered_rate", spec_.messages_per_second},
                     {"sent_in_window", static_cast<double>(result->sent_in_window)},
                     {"mean_us", summary.mean_us},
                     {"max_us", summary.max_us},
                     {"samples", static_cast<double>(summary.count)}};
}

}  // namespace liminal::bench
