// A live subscription of a Connection, handed to the Subscribe callback and to every
// delivery handler call.
//
//   SubscribeOptions options;
//   options.ack_mode = AckMode::kManual;
//   connection->Subscribe(
//       "orders", options,
//       {.on_delivery = [](const Subscription& sub, Delivery d) {
//          if (Process(d.payload)) sub.Ack(d.seq); else sub.Reject(d.seq, "unparseable");
//        },
//        .on_end = [](absl::Status why) { /* OK after Unsubscribe(); else e.g. E_SLOW_CONSUMER */
//        }},
//       [](absl::StatusOr<Subscription> sub) { if (sub.ok()) Keep(*sub); });
//   ...
//   kept.Unsubscribe();
//
// Deliveries are Deliver frames on the stream of the Subscribe; their seq starts at 1.
// Acknowledgement is cumulative (server-behaviour.md §3): Ack(n) covers every delivery up to
// n. Acks are batched (SubscribeOptions::ack_delay). Reject and Defer name one delivery and
// are sent at once. In AckMode::kAuto every delivery is accepted when its handler returns,
// so Reject and Defer are meant for AckMode::kManual.
//
// Thread-safety: Subscription is a small copyable handle; every method may be called from
// any thread and returns at once (the work is posted to the connection's strand). Methods
// on a subscription that has ended do nothing.
#ifndef LIMINAL_CLIENT_SUBSCRIPTION_H_
#define LIMINAL_CLIENT_SUBSCRIPTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "client/delivery.h"
#include "core/protocol/envelope.h"

namespace liminal::client {

namespace internal {
class ConnectionImpl;
}  // namespace internal

class Subscription {
 public:
  // An empty handle; every method does nothing.
  Subscription() = default;

  // The server's subscription id and the channel schema it selected (SubscribeAck).
  uint64_t id() const { return id_; }
  const protocol::SchemaId& schema_id() const { return schema_id_; }
  const std::string& channel() const { return channel_; }
  uint32_t stream_id() const { return stream_id_; }

  // Acknowledges delivery `seq` and every earlier one (batched Accept).
  void Ack(uint64_t seq) const;
  // Drops delivery `seq` (Reject frame, sent at once). A reason that is not valid UTF-8
  // cannot be encoded; the frame is then not sent (same for Defer).
  void Reject(uint64_t seq, std::optional<std::string> reason = std::nullopt) const;
  // Asks for delivery `seq` to be redelivered (Defer frame, sent at once).
  void Defer(uint64_t seq, std::optional<std::string> reason = std::nullopt) const;
  // Sends the batched acks, then Unsubscribe; on_end runs with OK. Deliveries already in
  // flight are dropped.
  void Unsubscribe() const;

 private:
  friend class internal::ConnectionImpl;
  Subscription(std::shared_ptr<internal::ConnectionImpl> impl, uint32_t stream_id, uint64_t id,
               const protocol::SchemaId& schema_id, std::string channel);

  // Not owning: a handle does not keep its connection alive (the connection keeps one handle
  // per subscription for its on_delivery calls, which must not keep it alive either). Once the
  // connection is gone every method does nothing, as for an empty handle.
  std::weak_ptr<internal::ConnectionImpl> impl_;
  uint32_t stream_id_ = 0;
  uint64_t id_ = 0;
  protocol::SchemaId schema_id_{};
  std::string channel_;
};

struct SubscriptionHandlers {
  // Runs on the connection's strand for every Deliver, in order. With AckMode::kAuto the
  // delivery is acknowledged when this returns. Must not block.
  absl::AnyInvocable<void(const Subscription&, Delivery)> on_delivery;
  // Optional. Runs once when an acknowledged subscription ends: OK after Unsubscribe(), the
  // server's error (e.g. E_SLOW_CONSUMER), or a Disconnected error.
  absl::AnyInvocable<void(absl::Status)> on_end;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_SUBSCRIPTION_H_
