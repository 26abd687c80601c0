// ParseDeliverySeq: reads the `referenced_message_id` of a subscriber's Accept, Defer or
// Reject, which names a delivery by its delivery_seq written in decimal
// (server-behaviour.md §3). Strict: 1 to 20 ASCII digits, no sign, no spaces, value in
// 1..2^64-1. Anything else is malformed and the services ignore the frame.
//
//   ParseDeliverySeq("42") == 42;  ParseDeliverySeq("+1"), ("0"), (" 7"), ("1e3") == nullopt
#ifndef LIMINAL_CORE_SERVER_SERVICES_DELIVERY_SEQ_H_
#define LIMINAL_CORE_SERVER_SERVICES_DELIVERY_SEQ_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace liminal::server::services {

std::optional<uint64_t> ParseDeliverySeq(std::string_view text);

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_DELIVERY_SEQ_H_
