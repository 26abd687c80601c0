// Latency workloads: one requester doing round trips back to back, reporting the p50, p99
// and p99.9 round-trip time of each trial. Two kinds:
//   * kRequestReply — request/reply through the server (liminald conversation with the echo
//     responder, NATS request/reply, the Redis pub/sub equivalent);
//   * kPush — liminald only: request on "worker.bench" → Push to a registered worker →
//     PushReply becomes the reply;
//   * kDurablePublish — liminald and NATS JetStream (ServerMode::kDurable, a fresh server per
//     trial): one publisher on a durable channel / file-storage stream, each publish waiting
//     for its acknowledgement (publish→ack latency).
//
//   auto w = std::make_unique<LatencyWorkload>(LatencyWorkload::Kind::kRequestReply,
//                                              LatencySpec{.payload_bytes = 64}, 3);
//
// Thread-safety: not thread-safe.
#ifndef LIMINAL_BENCH_LATENCY_WORKLOAD_H_
#define LIMINAL_BENCH_LATENCY_WORKLOAD_H_

#include <string>
#include <vector>

#include "bench/driver.h"
#include "bench/workload.h"

namespace liminal::bench {

class LatencyWorkload : public Workload {
 public:
  enum class Kind { kRequestReply, kPush, kDurablePublish };

  LatencyWorkload(Kind kind, LatencySpec spec, int trials)
      : kind_(kind), spec_(spec), trials_(trials) {}

  std::string name() const override;
  std::string title() const override;
  std::string description() const override;
  std::vector<MetricSpec> metrics() const override;
  bool Supports(System system) const override;
  ServerMode server_mode() const override {
    return kind_ == Kind::kDurablePublish ? ServerMode::kDurable : ServerMode::kDefault;
  }
  bool fresh_server_per_trial() const override { return kind_ == Kind::kDurablePublish; }
  int trials() const override { return trials_; }
  std::string Method(const Driver& driver) const override;
  absl::StatusOr<TrialValues> RunTrial(Driver& driver) override;

 private:
  Kind kind_;
  LatencySpec spec_;
  int trials_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_LATENCY_WORKLOAD_H_
