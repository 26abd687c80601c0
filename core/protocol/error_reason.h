// The reason code an error frame carries (ConnectError, SubscribeError, PublishError,
// ConversationError, and a ConversationClose with a code), or nullopt for any other frame.
// For coverage and metrics: which error codes a server actually sent.
#ifndef LIMINAL_CORE_PROTOCOL_ERROR_REASON_H_
#define LIMINAL_CORE_PROTOCOL_ERROR_REASON_H_

#include <cstdint>
#include <optional>
#include <variant>

#include "core/protocol/frame.h"

namespace liminal::protocol {

inline std::optional<uint16_t> ErrorReasonCode(const Frame& frame) {
  if (const auto* e = std::get_if<ConnectError>(&frame.body)) return e->reason_code;
  if (const auto* e = std::get_if<SubscribeError>(&frame.body)) return e->reason_code;
  if (const auto* e = std::get_if<PublishError>(&frame.body)) return e->reason_code;
  if (const auto* e = std::get_if<ConversationError>(&frame.body)) return e->reason_code;
  if (const auto* e = std::get_if<ConversationClose>(&frame.body)) return e->reason_code;
  return std::nullopt;
}

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_ERROR_REASON_H_
