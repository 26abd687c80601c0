// One message delivered to a subscription (a Deliver frame, wire-protocol.md §9).
//
//   void OnDelivery(const Subscription& sub, Delivery d) {
//     Process(d.payload);
//     sub.Ack(d.seq);  // AckMode::kManual only; acknowledges d.seq and everything before
//   }
//
// Thread-safety: a plain value type.
#ifndef LIMINAL_CLIENT_DELIVERY_H_
#define LIMINAL_CLIENT_DELIVERY_H_

#include <cstdint>
#include <string>

#include "core/protocol/envelope.h"

namespace liminal::client {

struct Delivery {
  // delivery_seq: 1 for the subscription's first delivery, then +1 per delivery.
  uint64_t seq = 0;
  std::string payload;
  protocol::SchemaId schema_id{};
  protocol::CausalContext causal;

  friend bool operator==(const Delivery&, const Delivery&) = default;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_DELIVERY_H_
