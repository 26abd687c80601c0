#include "bench/workload_catalog.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bench/connections_workload.h"
#include "bench/latency_workload.h"
#include "bench/load_latency_workload.h"
#include "bench/throughput_workload.h"

namespace liminal::bench {
namespace {

struct ModeParameters {
  int trials;
  absl::Duration throughput_warmup;
  absl::Duration throughput_measure;
  absl::Duration latency_warmup;
  absl::Duration latency_measure;
  int connection_trials;
  int64_t connections;
  absl::Duration idle_window;
};

ModeParameters ParametersFor(Mode mode) {
  switch (mode) {
    case Mode::kSmoke:
      return {.trials = 1,
              .throughput_warmup = absl::Milliseconds(100),
              .throughput_measure = absl::Milliseconds(300),
              .latency_warmup = absl::Milliseconds(100),
              .latency_measure = absl::Milliseconds(300),
              .connection_trials = 1,
              .connections = 500,
              .idle_window = absl::Seconds(1)};
    case Mode::kShort:
      return {.trials = 3,
              .throughput_warmup = absl::Milliseconds(500),
              .throughput_measure = absl::Seconds(2),
              .latency_warmup = absl::Milliseconds(300),
              .latency_measure = absl::Seconds(2),
              .connection_trials = 2,
              .connections = 10'000,
              .idle_window = absl::Seconds(10)};
    case Mode::kFull:
      return {.trials = 5,
              .throughput_warmup = absl::Seconds(1),
              .throughput_measure = absl::Seconds(5),
              .latency_warmup = absl::Milliseconds(500),
              .latency_measure = absl::Seconds(5),
              .connection_trials = 3,
              .connections = 10'000,
              .idle_window = absl::Seconds(10)};
  }
  return ParametersFor(Mode::kShort);
}

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<Workload>>> MakeWorkloads(const BenchOptions& options) {
  ModeParameters p = ParametersFor(options.mode);
  if (options.trials.has_value()) {
    p.trials = *options.trials;
    p.connection_trials = *options.trials;
  }
  if (options.seconds.has_value()) {
    p.throughput_measure = absl::Seconds(*options.seconds);
    p.latency_measure = absl::Seconds(*options.seconds);
  }
  if (options.connections.has_value()) p.connections = *options.connections;

  auto pubsub = [&](int subscribers, size_t bytes) {
    return PubSubSpec{.subscribers = subscribers,
                      .payload_bytes = bytes,
                      .warmup = p.throughput_warmup,
                      .measure = p.throughput_measure,
                      .publish_window = options.publish_window.value_or(options.e2e_window),
                      .e2e_window = options.e2e_window};
  };
  const LatencySpec latency{.payload_bytes = 64,
                            .warmup = p.latency_warmup,
                            .measure = p.latency_measure,
                            .max_samples = 2'000'000,
                            .request_timeout = absl::Seconds(5)};
  auto durable_pubsub = [&](size_t bytes) {
    PubSubSpec spec = pubsub(1, bytes);
    spec.durable = true;
    return spec;
  };
  LatencySpec durable_ack = latency;
  durable_ack.payload_bytes = 256;

  std::vector<std::unique_ptr<Workload>> all;
  all.push_back(
      std::make_unique<ThroughputWorkload>("pubsub-16", "pub->sub 16 B", pubsub(1, 16), p.trials));
  all.push_back(std::make_unique<ThroughputWorkload>("pubsub-256", "pub->sub 256 B", pubsub(1, 256),
                                                     p.trials));
  PubSubSpec tls_pubsub = pubsub(1, 256);
  tls_pubsub.tls = true;
  all.push_back(std::make_unique<ThroughputWorkload>("pubsub-256-tls", "TLS pub->sub 256 B",
                                                     tls_pubsub, p.trials));
  all.push_back(std::make_unique<ThroughputWorkload>("pubsub-4096", "pub->sub 4 KiB",
                                                     pubsub(1, 4096), p.trials));
  all.push_back(
      std::make_unique<ThroughputWorkload>("fanout", "fan-out 1->5 64 B", pubsub(5, 64), p.trials));
  all.push_back(
      std::make_unique<LatencyWorkload>(LatencyWorkload::Kind::kRequestReply, latency, p.trials));
  all.push_back(std::make_unique<ConnectionsWorkload>(
      ConnectionsSpec{.connections = static_cast<size_t>(p.connections),
                      .batch = 500,
                      .idle_window = p.idle_window,
                      .settle = absl::Milliseconds(500)},
      p.connection_trials));
  all.push_back(std::make_unique<LatencyWorkload>(LatencyWorkload::Kind::kPush, latency, p.trials));
  PubSubSpec many_channels = pubsub(1, 256);
  many_channels.channels = kMaxPubSubChannels;
  // Eight publishers start with a full window each; a slow (sanitizer) build needs more than
  // the smoke's 100 ms before the first deliveries come out.
  many_channels.warmup = std::max(many_channels.warmup, absl::Seconds(1));
  all.push_back(std::make_unique<ThroughputWorkload>("channels-8", "8 channels 8->8 256 B",
                                                     many_channels, p.trials));
  all.push_back(std::make_unique<LoadLatencyWorkload>(
      LoadLatencySpec{.payload_bytes = 256,
                      .messages_per_second = options.load_rate.value_or(0),
                      .warmup = p.latency_warmup,
                      .measure = p.latency_measure,
                      .max_samples = 4'000'000,
                      .publish_window = options.publish_window.value_or(options.e2e_window)},
      p.trials));
  all.push_back(std::make_unique<ThroughputWorkload>("durable-256", "durable pub->sub 256 B",
                                                     durable_pubsub(256), p.trials));
  all.push_back(std::make_unique<ThroughputWorkload>("durable-4096", "durable pub->sub 4 KiB",
                                                     durable_pubsub(4096), p.trials));
  all.push_back(std::make_unique<LatencyWorkload>(LatencyWorkload::Kind::kDurablePublish,
                                                  durable_ack, p.trials));

  if (options.workloads.empty()) return all;
  std::vector<bool> wanted(all.size(), false);
  for (const std::string& filter : options.workloads) {
    bool matched = false;
    for (size_t i = 0; i < all.size(); ++i) {
      const std::string name = all[i]->name();
      if (name == filter || absl::StartsWith(name, absl::StrCat(filter, "-"))) {
        wanted[i] = true;
        matched = true;
      }
    }
    if (!matched) {
      std::vector<std::string> names;
      for (const auto& workload : all) names.push_back(workload->name());
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown workload '", filter, "'; known: pubsub, durable, ", absl::StrJoin(names, ", ")));
    }
  }
  std::vector<std::unique_ptr<Workload>> selected;
  for (size_t i = 0; i < all.size(); ++i) {
    if (wanted[i]) selected.push_back(std::move(all[i]));
  }
  return selected;
}

}  // namespace liminal::bench
