// Publishing with many PublishAcks outstanding (`liminal pub`): up to `window` publishes are
// in flight on one client::Connection at a time, and every result is handed back in publish
// order with its own publish->ack latency.
//
//   PublishPipeline pipeline(client->connection(),
//                            {.channel = "orders", .window = 1024, .ack_timeout =
//                            absl::Seconds(5)},
//                            [&](const PublishOutcome& outcome) {
//                              if (outcome.result.ok()) stats.RecordSuccess(outcome.latency);
//                            });
//   while (std::optional<std::string> payload = source.Next()) {
//     if (!pipeline.Publish(*std::move(payload), options)) break;  // stopped: a publish failed
//   }
//   pipeline.Drain();   // every outstanding result has been handed to the callback
//
// Publish() blocks while `window` publishes are unacknowledged. The pipeline stops at the
// first failure (PublishError, a lost connection, or no PublishAck within `ack_timeout`):
// Publish() then returns false at once, and the publishes already in flight still complete
// and are reported. An ack timeout ends the run: the oldest publish is reported as timed out
// and the ones sent after it are abandoned (Drain() returns how many).
//
// Thread-safety: Publish() and Drain() from one thread. The outcome callback runs one call at
// a time, in publish order, under the pipeline's lock: on the connection's I/O thread, or on
// the publishing thread for an ack timeout. It must not call back into the pipeline.
#ifndef LIMINAL_TOOLS_PUBLISH_PIPELINE_H_
#define LIMINAL_TOOLS_PUBLISH_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/connection.h"
#include "client/publish.h"

namespace liminal::tools {

struct PublishPipelineOptions {
  std::string channel;
  uint32_t window = 1024;  // most publishes unacknowledged at a time (>= 1)
  absl::Duration ack_timeout = absl::Seconds(5);
};

struct PublishOutcome {
  uint64_t index = 0;              // 1 for the first Publish(), then +1
  std::optional<std::string> key;  // the idempotency key it was sent with
  absl::StatusOr<client::PublishResult> result;
  absl::Duration latency;  // from Publish() to the ack (or the failure)
};

class PublishPipeline {
 public:
  using OutcomeCallback = std::function<void(const PublishOutcome&)>;

  // `connection` must outlive the pipeline.
  PublishPipeline(client::Connection& connection, PublishPipelineOptions options,
                  OutcomeCallback on_outcome);
  PublishPipeline(const PublishPipeline&) = delete;
  PublishPipeline& operator=(const PublishPipeline&) = delete;
  // Abandons whatever is still in flight: its outcomes are dropped.
  ~PublishPipeline();

  // Sends one publish once the window has room. False (nothing sent) once the pipeline has
  // stopped after a failure.
  bool Publish(std::string payload, client::PublishOptions options);

  // Waits until every publish sent has its outcome, or the oldest one's ack timeout passes.
  // Returns how many publishes were abandoned without an outcome (0 unless a timeout).
  uint64_t Drain();

  // True once a publish failed.
  bool stopped() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  client::Connection& connection_;
  const std::string channel_;
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_PUBLISH_PIPELINE_H_
