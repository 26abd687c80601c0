// Throughput workloads: one publisher and N subscribers on one channel (pub→sub with N = 1
// for 16 B / 256 B / 4 KiB payloads, fan-out with N = 5 and 64 B), reporting deliveries per
// second summed over the subscribers, under the end-to-end window of delivery_window.h, and
// the server's CPU time per delivery (JSON also: the harness's, i.e. the client libraries').
// With PubSubSpec::durable the channel is durable (ServerMode::kDurable, a fresh server per
// trial so every trial starts with an empty store): liminald and NATS JetStream only. With
// PubSubSpec::tls the connections are TLS (ServerMode::kTls): liminald only, set against its
// plaintext run of the same size in the report (report.h).
//
//   auto w = std::make_unique<ThroughputWorkload>(
//       "pubsub-16", "pub→sub 16 B", PubSubSpec{.subscribers = 1, .payload_bytes = 16}, 3);
//
// Thread-safety: not thread-safe.
#ifndef LIMINAL_BENCH_THROUGHPUT_WORKLOAD_H_
#define LIMINAL_BENCH_THROUGHPUT_WORKLOAD_H_

#include <string>
#include <vector>

#include "bench/driver.h"
#include "bench/workload.h"

namespace liminal::bench {

class ThroughputWorkload : public Workload {
 public:
  ThroughputWorkload(std::string name, std::string title, PubSubSpec spec, int trials)
      : name_(std::move(name)), title_(std::move(title)), spec_(spec), trials_(trials) {}

  std::string name() const override { return name_; }
  std::string title() const override { return title_; }
  std::string description() const override;
  std::vector<MetricSpec> metrics() const override;
  bool Supports(System system) const override {
    if (spec_.tls) return system == System::kLiminald;
    return !spec_.durable || system != System::kRedis;
  }
  ServerMode server_mode() const override {
    return spec_.durable ? ServerMode::kDurable
           : spec_.tls   ? ServerMode::kTls
                         : ServerMode::kDefault;
  }
  bool fresh_server_per_trial() const override { return spec_.durable; }
  int trials() const override { return trials_; }
  std::string Method(const Driver& driver) const override {
    return spec_.durable ? driver.DurablePubSubMethod() : "";
  }
  absl::StatusOr<TrialValues> RunTrial(Driver& driver) override;

  const PubSubSpec& spec() const { return spec_; }

 private:
  std::string name_;
  std::string title_;
  PubSubSpec spec_;
  int trials_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_THROUGHPUT_WORKLOAD_H_
