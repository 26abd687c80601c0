#include "bench/latency_workload.h"

#include "absl/strings/str_cat.h"
#include "bench/stats.h"

namespace liminal::bench {

std::string LatencyWorkload::title() const {
  return absl::StrCat(kind_ == Kind::kPush ? "push round trip " : "request/reply ",
                      spec_.payload_bytes, " B");
}

std::string LatencyWorkload::description() const {
  return absl::StrCat(
      kind_ == Kind::kPush
          ? "requests on subject worker.bench, dispatched by liminald as Pushes to a worker "
            "registered on task queue \"bench\" whose PushReply is the reply"
          : "request/reply round trips through the server",
      "; one requester, one request outstanding, ", spec_.payload_bytes, "-byte payloads, ",
      absl::FormatDuration(spec_.measure), " after ", absl::FormatDuration(spec_.warmup),
      " warm-up");
}

std::vector<MetricSpec> LatencyWorkload::metrics() const {
  return {{.key = "p50_us", .label = "p50", .unit = "us", .better = Better::kLower},
          {.key = "p99_us", .label = "p99", .unit = "us", .better = Better::kLower},
          {.key = "p999_us", .label = "p99.9", .unit = "us", .better = Better::kLower}};
}

std::string LatencyWorkload::Method(const Driver& driver) const {
  if (kind_ == Kind::kRequestReply) return driver.RequestReplyMethod();
  return "a worker connection answers each Push with \"pushed:\" + payload (async client); the "
         "requester sends the next request from the reply callback";
}

absl::StatusOr<TrialValues> LatencyWorkload::RunTrial(Driver& driver) {
  absl::StatusOr<LatencyResult> result =
      kind_ == Kind::kPush ? driver.RunPushRoundTrip(spec_) : driver.RunRequestReply(spec_);
  if (!result.ok()) return result.status();
  const LatencySummary summary = SummarizeLatencies(result->round_trips_ns);
  if (summary.count == 0) return absl::DeadlineExceededError("no round trip completed");
  return TrialValues{{"p50_us", summary.p50_us},   {"p99_us", summary.p99_us},
                     {"p999_us", summary.p999_us}, {"mean_us", summary.mean_us},
                     {"max_us", summary.max_us},   {"samples", static_cast<double>(summary.count)}};
}

}  // namespace liminal::bench
