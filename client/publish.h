// Options and result of a Publish (wire-protocol.md §2.5, server-behaviour.md §2).
//
//   PublishOptions options;
//   options.idempotency_key = "order-17";          // duplicates within the server's window
//   absl::StatusOr<PublishResult> r =              // are acked, not delivered again
//       client->Publish("orders", R"({"id":17})", absl::Seconds(5), options);
//   if (r.ok() && !r->delivered) { /* accepted, but no subscriber took it */ }
//
// Thread-safety: plain value types.
#ifndef LIMINAL_CLIENT_PUBLISH_H_
#define LIMINAL_CLIENT_PUBLISH_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/protocol/envelope.h"

namespace liminal::client {

struct PublishOptions {
  // Sent with flag 0x02 when set; the server suppresses duplicates of the same key.
  std::optional<std::string> idempotency_key;
  // The envelope's schema id (32 opaque bytes; all zero unless the application uses ids).
  protocol::SchemaId schema_id{};
  // The envelope's causal context; independent by default.
  protocol::CausalContext causal;
};

struct PublishResult {
  uint64_t message_id = 0;
  // PublishAck flag 0x01: at least one subscription queued the message on this publish.
  bool delivered = false;

  friend bool operator==(const PublishResult&, const PublishResult&) = default;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_PUBLISH_H_
