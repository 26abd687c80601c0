// SubscribeTarget: what a Subscribe's channel field asks for. The protocol has no field for
// a replay's start, so liminald reads an optional query suffix on the channel name
// (server-behaviour.md §5, README "Replay"): `orders?from=1234` replays the durable channel
// `orders` from message id 1234, then continues live; `orders?consumer=billing` resumes the
// named consumer `billing` after the last message it acknowledged (a new one starts at
// `from`, or at the oldest message kept). A name that is a configured channel as written is
// never parsed (so every existing Subscribe decodes and means what it did).
//
//   absl::StatusOr<SubscribeTarget> target = ParseSubscribeTarget("orders?from=12");
//   // target->channel == "orders", target->from == 12
//
// Errors (InvalidArgument) explain the accepted form: an unknown parameter, a repeated one,
// a `from` that is not a decimal id >= 1, or an empty or over-long consumer name.
#ifndef LIMINAL_CORE_SERVER_SERVICES_SUBSCRIBE_TARGET_H_
#define LIMINAL_CORE_SERVER_SERVICES_SUBSCRIBE_TARGET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace liminal::server::services {

struct SubscribeTarget {
  std::string channel;
  std::optional<uint64_t> from;         // replay from this message id (implies replay)
  std::optional<std::string> consumer;  // a named durable consumer (implies replay)

  bool replay_requested() const { return from.has_value() || consumer.has_value(); }
};

// The part before the first '?' is the channel; what follows is `key=value` pairs joined by
// '&'. Without '?', the whole text is the channel.
absl::StatusOr<SubscribeTarget> ParseSubscribeTarget(std::string_view text);

inline constexpr size_t kMaxConsumerNameBytes = 200;

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SUBSCRIBE_TARGET_H_
