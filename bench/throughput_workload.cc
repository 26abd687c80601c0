#include "bench/throughput_workload.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace liminal::bench {

std::string ThroughputWorkload::description() const {
  if (spec_.channels > 1) {
    return absl::StrCat(spec_.channels, " channels, each with its own publisher and ",
                        spec_.subscribers, " subscriber(s), ", spec_.payload_bytes,
                        "-byte payloads; deliveries/s summed over every subscriber over ",
                        absl::FormatDuration(spec_.measure), " after ",
                        absl::FormatDuration(spec_.warmup), " warm-up; each publisher at most ",
                        spec_.e2e_window, " messages ahead of its slowest subscriber, at most ",
                        spec_.publish_window, " unacknowledged publishes");
  }
  return absl::StrCat("1 publisher, ", spec_.subscribers, " subscriber(s), ", spec_.payload_bytes,
                      "-byte payloads", spec_.durable ? " on a durable channel / stream" : "",
                      spec_.tls ? " over TLS (verified certificate, TLS 1.3)" : "",
                      "; deliveries/s summed over subscribers ", "over ",
                      absl::FormatDuration(spec_.measure), " after ",
                      absl::FormatDuration(spec_.warmup), " warm-up; publisher at most ",
                      spec_.e2e_window, " messages ahead of the slowest subscriber, at most ",
                      spec_.publish_window, " unacknowledged publishes");
}

std::vector<MetricSpec> ThroughputWorkload::metrics() const {
  return {
      {.key = "rate",
       .label = spec_.subscribers == 1 && spec_.channels == 1 ? "msgs/s delivered" : "deliveries/s",
       .unit = "msg/s",
       .better = Better::kHigher},
      // CPU per delivery does not depend on how much of the (shared) machine the run
      // got, so it is the steadier efficiency figure on a busy host.
      {.key = "server_cpu_us", .label = "server CPU/msg", .unit = "us", .better = Better::kLower},
      // At the end of the window: a working set the allocator does not keep reusing shows
      // up here as growth (see the 4 KiB target).
      {.key = "server_rss_bytes", .label = "server RSS", .unit = "B", .better = Better::kLower}};
}

absl::StatusOr<TrialValues> ThroughputWorkload::RunTrial(Driver& driver) {
  absl::StatusOr<PubSubResult> result = driver.RunPubSub(spec_);
  if (!result.ok()) return result.status();
  const double deliveries = static_cast<double>(std::max<uint64_t>(result->deliveries, 1));
  TrialValues values{
      {"rate", result->deliveries_per_second},
      {"server_cpu_us", absl::ToDoubleMicroseconds(result->server_cpu) / deliveries},
      {"harness_cpu_us", absl::ToDoubleMicroseconds(result->harness_cpu) / deliveries},
      {"publish_rate", result->publishes_per_second},
      {"deliveries", static_cast<double>(result->deliveries)},
      {"seconds", absl::ToDoubleSeconds(result->elapsed)}};
  if (result->server_rss_bytes.has_value()) {
    values["server_rss_bytes"] = static_cast<double>(*result->server_rss_bytes);
  }
  return values;
}

}  // namespace liminal::bench
