#include "bench/latency_workload.h"

#include "absl/strings/str_cat.h"
#include "bench/stats.h"

namespace liminal::bench {

std::string LatencyWorkload::name() const {
  switch (kind_) {
    case Kind::kRequestReply:
      return "reqrep";
    case Kind::kPush:
      return "push";
    case Kind::kDurablePublish:
      return "durable-ack";
  }
  return "?";
}

std::string LatencyWorkload::title() const {
  const char* what = kind_ == Kind::kPush             ? "push round trip "
                     : kind_ == Kind::kDurablePublish ? "durable pub->ack "
                                                      : "request/reply ";
  return absl::StrCat(what, spec_.payload_bytes, " B");
}

std::string LatencyWorkload::description() const {
  if (kind_ == Kind::kDurablePublish) {
    return absl::StrCat(
        "publish->ack latency on a durable channel / file-storage stream; one publisher, one "
        "publish outstanding (each waits for its ack), no subscriber, ",
        spec_.payload_bytes, "-byte payloads, ", absl::FormatDuration(spec_.measure), " after ",
        absl::FormatDuration(spec_.warmup), " warm-up");
  }
  return absl::StrCat(
      kind_ == Kind::kPush
          ? "requests on subject worker.bench, dispatched by liminald as Pushes to a worker "
            "registered on task queue \"bench\" whose PushReply is the reply"
          : "request/reply round trips through the server",
      "; one requester, one request outstanding, ", spec_.payload_bytes, "-byte payloads, ",
      absl::FormatDuration(spec_.measure), " after ", absl::FormatDuration(spec_.warmup),
      " warm-up");
}

bool LatencyWorkload::Supports(System system) const {
  switch (kind_) {
    case Kind::kRequestReply:
      return true;
    case Kind::kPush:
      return system == System::kLiminald;
    case Kind::kDurablePublish:
      return system != System::kRedis;
  }
  return false;
}

std::vector<MetricSpec> LatencyWorkload::metrics() const {
  return {{.key = "p50_us", .label = "p50", .unit = "us", .better = Better::kLower},
          {.key = "p99_us", .label = "p99", .unit = "us", .better = Better::kLower},
          {.key = "p999_us", .label = "p99.9", .unit = "us", .better = Better::kLower}};
}

std::string LatencyWorkload::Method(const Driver& driver) const {
  if (kind_ == Kind::kRequestReply) return driver.RequestReplyMethod();
  if (kind_ == Kind::kDurablePublish) return driver.DurablePublishMethod();
  return "a worker connection answers each Push with \"pushed:\" + payload (async client); the "
         "requester sends the next request from the reply callback";
}

absl::StatusOr<TrialValues> LatencyWorkload::RunTrial(Driver& driver) {
  absl::StatusOr<LatencyResult> result = kind_ == Kind::kPush ? driver.RunPushRoundTrip(spec_)
                                         : kind_ == Kind::kDurablePublish
                                             ? driver.RunDurablePublish(spec_)
                                             : driver.RunRequestReply(spec_);
  if (!result.ok()) return result.status();
  const LatencySummary summary = SummarizeLatencies(result->round_trips_ns);
  if (summary.count == 0) {
    return absl::DeadlineExceededError(absl::StrCat(
        "no ", kind_ == Kind::kDurablePublish ? "publish was acknowledged" : "round trip completed",
        " in the measured window"));
  }
  return TrialValues{{"p50_us", summary.p50_us},   {"p99_us", summary.p99_us},
                     {"p999_us", summary.p999_us}, {"mean_us", summary.mean_us},
                     {"max_us", summary.max_us},   {"samples", static_cast<double>(summary.count)}};
}

}  // namespace liminal::bench
