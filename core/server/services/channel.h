// Channel: one configured channel (server-behaviour.md §2, §3): its name and schema id, the
// optional payload validator, the per-channel message-id counter, the idempotency window,
// and the live subscriptions a publish fans out to, in subscription order.
//
//   absl::Status valid = channel.ValidatePayload(envelope.payload);   // no lock; pure
//   WakeList wakes;
//   Channel::PublishResult r = channel.Publish(shared_envelope, key, clock.Now(), wakes);
//   // r.message_id, r.duplicate, r.queued; then wake every subscription in `wakes`
//
// Ids and fan-out happen under the channel's mutex, so every subscriber sees a channel's
// messages in message-id order. Lock order: channel, then subscription. Durable channels
// are served as ephemeral ones for now (no log yet). Thread-safe.
#ifndef LIMINAL_CORE_SERVER_SERVICES_CHANNEL_H_
#define LIMINAL_CORE_SERVER_SERVICES_CHANNEL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/protocol/envelope.h"
#include "core/runtime/mutex.h"
#include "core/server/services/dedup_window.h"
#include "core/server/services/payload_validator.h"
#include "core/server/services/service_metrics.h"
#include "core/server/services/shared_envelope.h"
#include "core/server/services/subscription.h"

namespace liminal::server::services {

// Subscriptions whose owner must be woken once the channel's mutex is released.
using WakeList = absl::InlinedVector<std::shared_ptr<Subscription>, 4>;

// What the services need to know about one channel (see services_options.h).
struct ChannelSpec {
  std::string name;
  protocol::SchemaId schema_id{};  // SHA-256 of the schema file, or of schema_ref
  bool durable = false;            // accepted; served as ephemeral until durable logs land
  std::shared_ptr<const PayloadValidator> validator;  // null: any bytes are accepted
};

class Channel {
 public:
  struct PublishResult {
    uint64_t message_id = 0;
    bool duplicate = false;  // the key was seen within the window; message_id is the original
    size_t queued = 0;       // subscriptions that queued the message on this publish
  };

  Channel(ChannelSpec spec, size_t index, std::unique_ptr<runtime::Mutex> mu,
          absl::Duration dedup_window, ServiceMetrics metrics);
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  const std::string& name() const { return spec_.name; }
  const protocol::SchemaId& schema_id() const { return spec_.schema_id; }
  bool durable() const { return spec_.durable; }
  bool has_schema() const { return spec_.validator != nullptr; }
  size_t index() const { return index_; }  // position in the configuration

  // OK when the channel has no schema or the payload validates.
  absl::Status ValidatePayload(std::string_view payload) const;

  // Assigns the next message id (unless `idempotency_key` is a duplicate within the window)
  // and queues the envelope on every live subscription. Shed subscriptions are detached and
  // added to `wakes` too, so their owner reports E_SLOW_CONSUMER. `now` is read only with
  // an idempotency key (the dedup window's clock).
  PublishResult Publish(const SharedEnvelope& envelope,
                        const std::optional<std::string>& idempotency_key, absl::Time now,
                        WakeList& wakes);

  void AddSubscription(std::shared_ptr<Subscription> subscription);
  // Detaches the subscription and closes it. False if it was not attached (already removed
  // or shed), so each subscription leaves the subscriptions_current gauge exactly once.
  bool RemoveSubscription(Subscription& subscription);
  size_t subscription_count() const;

 private:
  const ChannelSpec spec_;
  const size_t index_;
  const ServiceMetrics metrics_;
  std::unique_ptr<runtime::Mutex> mu_;
  uint64_t next_message_id_ ABSL_GUARDED_BY(*mu_) = 1;
  DedupWindow dedup_ ABSL_GUARDED_BY(*mu_);
  std::vector<std::shared_ptr<Subscription>> subscriptions_ ABSL_GUARDED_BY(*mu_);
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_CHANNEL_H_
