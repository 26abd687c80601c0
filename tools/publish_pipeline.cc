#include "tools/publish_pipeline.h"

#include <deque>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "client/client_error.h"

namespace liminal::tools {

// Shared with the publish callbacks, which may outlive the pipeline (they then find it
// abandoned and drop their outcome).
struct PublishPipeline::State {
  // A publish sent and not yet handed to the outcome callback.
  struct InFlight {
    uint64_t index = 0;
    absl::Time sent;
    std::optional<std::string> key;
    std::optional<absl::StatusOr<client::PublishResult>> result;  // set once it completed
    absl::Duration latency;
  };

  State(PublishPipelineOptions options, OutcomeCallback on_outcome)
      : options(std::move(options)), on_outcome(std::move(on_outcome)) {}

  // On the I/O thread: records the result of publish `index`, then hands out every outcome
  // that is now next in publish order.
  void Complete(uint64_t index, absl::StatusOr<client::PublishResult> result, absl::Time now) {
    absl::MutexLock lock(&mu);
    if (abandoned || in_flight.empty() || index < in_flight.front().index) return;
    InFlight& entry = in_flight[index - in_flight.front().index];
    entry.latency = now - entry.sent;
    entry.result = std::move(result);
    while (!in_flight.empty() && in_flight.front().result.has_value()) {
      InFlight& done = in_flight.front();
      if (!done.result->ok()) stopped = true;
      on_outcome(PublishOutcome{.index = done.index,
                                .key = std::move(done.key),
                                .result = *std::move(done.result),
                                .latency = done.latency});
      in_flight.pop_front();
    }
  }

  // Waits until `ready` holds, or the oldest publish's ack timeout passes (it is then
  // reported as timed out and the rest abandoned). Returns false in the latter case.
  bool AwaitOrExpire(bool (*ready)(State*)) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    while (!ready(this)) {
      const uint64_t oldest = in_flight.front().index;  // not ready implies something in flight
      const absl::Time deadline = in_flight.front().sent + options.ack_timeout;
      if (mu.AwaitWithDeadline(absl::Condition(ready, this), deadline)) return true;
      if (!in_flight.empty() && in_flight.front().index == oldest) {
        ExpireOldest();
        return false;
      }
    }
    return true;
  }

  void ExpireOldest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    InFlight& oldest = in_flight.front();
    stopped = true;
    abandoned = true;
    abandoned_count = in_flight.size() - 1;
    on_outcome(PublishOutcome{.index = oldest.index,
                              .key = std::move(oldest.key),
                              .result = client::ClientTimeoutError(
                                  absl::StrCat("no PublishAck for '", options.channel, "' within ",
                                               absl::FormatDuration(options.ack_timeout))),
                              .latency = absl::Now() - oldest.sent});
    in_flight.clear();
  }

  const PublishPipelineOptions options;
  const OutcomeCallback on_outcome;

  mutable absl::Mutex mu;
  std::deque<InFlight> in_flight ABSL_GUARDED_BY(mu);  // publish order
  uint64_t next_index ABSL_GUARDED_BY(mu) = 1;
  bool stopped ABSL_GUARDED_BY(mu) = false;    // a publish failed: send no more
  bool abandoned ABSL_GUARDED_BY(mu) = false;  // outcomes arriving now are dropped
  uint64_t abandoned_count ABSL_GUARDED_BY(mu) = 0;
};

PublishPipeline::PublishPipeline(client::Connection& connection, PublishPipelineOptions options,
                                 OutcomeCallback on_outcome)
    : state_(std::make_shared<State>(options, std::move(on_outcome))),
      connection_(connection),
      channel_(options.channel) {}

PublishPipeline::~PublishPipeline() {
  absl::MutexLock lock(&state_->mu);
  state_->abandoned = true;
}

bool PublishPipeline::Publish(std::string payload, client::PublishOptions options) {
  uint64_t index = 0;
  {
    absl::MutexLock lock(&state_->mu);
    auto has_room = [](State* state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state->mu) {
      return state->stopped || state->in_flight.size() < state->options.window;
    };
    if (!state_->AwaitOrExpire(+has_room) || state_->stopped) return false;
    index = state_->next_index++;
    state_->in_flight.push_back(State::InFlight{.index = index,
                                                .sent = absl::Now(),
                                                .key = options.idempotency_key,
                                                .result = std::nullopt,
                                                .latency = absl::ZeroDuration()});
  }
  connection_.Publish(channel_, std::move(payload), std::move(options),
                      [state = state_, index](absl::StatusOr<client::PublishResult> result) {
                        state->Complete(index, std::move(result), absl::Now());
                      });
  return true;
}

uint64_t PublishPipeline::Drain() {
  absl::MutexLock lock(&state_->mu);
  auto drained = [](State* state)
                     ABSL_EXCLUSIVE_LOCKS_REQUIRED(state->mu) { return state->in_flight.empty(); };
  state_->AwaitOrExpire(+drained);
  return state_->abandoned_count;
}

bool PublishPipeline::stopped() const {
  absl::MutexLock lock(&state_->mu);
  return state_->stopped;
}

}  // namespace liminal::tools
