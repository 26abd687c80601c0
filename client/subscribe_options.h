// Options of a Subscribe (wire-protocol.md §2.4, server-behaviour.md §3 and §5).
//
//   SubscribeOptions options;
//   options.max_in_flight = 128;            // credit window the server honours
//   options.replay = true;                  // durable channels: retained messages first
//   options.replay_from = 1234;             // ... from message id 1234
//   options.consumer = "billing";           // ... or where consumer "billing" left off
//   options.ack_mode = AckMode::kManual;    // the application calls Ack(seq) itself
//
// Thread-safety: a plain value type.
#ifndef LIMINAL_CLIENT_SUBSCRIBE_OPTIONS_H_
#define LIMINAL_CLIENT_SUBSCRIBE_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/protocol/envelope.h"

namespace liminal::client {

enum class AckMode {
  // Connection: a delivery is acknowledged once the delivery handler returns.
  // BlockingSubscription: once Next() hands it to the caller.
  kAuto,
  // The application acknowledges with Subscription::Ack(seq) (cumulative).
  kManual,
};

struct SubscribeOptions {
  // Most unacknowledged deliveries the server may have outstanding (must be > 0).
  uint32_t max_in_flight = 64;
  // Schema ids the subscriber can read; empty accepts whatever the channel uses.
  std::vector<protocol::SchemaId> accepted_schemas;
  // Subscribe flag 0x01: on a durable channel, receive the retained messages first.
  bool replay = false;
  // Durable channels: replay from this message id (an id older than the retention starts at
  // the oldest message kept). Sent as the channel name's `?from=<id>` suffix, which liminald
  // reads (README "Replay and resume"); implies `replay`.
  std::optional<uint64_t> replay_from;
  // Durable channels: subscribe as this named consumer, which resumes after the last message
  // it acknowledged, across disconnects and server restarts (`?consumer=<name>`; a new
  // consumer starts at `replay_from`, or at the oldest message kept). Implies `replay`.
  std::optional<std::string> consumer;

  AckMode ack_mode = AckMode::kAuto;
  // Acks are batched: an Accept goes out once half the window is consumed, and no consumed
  // delivery waits longer than this for its Accept. Zero sends an Accept per consumed
  // delivery; absl::InfiniteDuration() sends only whole batches (and flushes on Unsubscribe
  // and Close).
  absl::Duration ack_delay = absl::Milliseconds(10);
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_SUBSCRIBE_OPTIONS_H_
