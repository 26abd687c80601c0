// Reason codes carried by ConnectError, SubscribeError, PublishError and ConversationError:
// the protocol errors of wire-protocol.md §5 and the application codes of
// server-behaviour.md §9.
#ifndef LIMINAL_CORE_PROTOCOL_REASON_CODE_H_
#define LIMINAL_CORE_PROTOCOL_REASON_CODE_H_

#include <cstdint>
#include <string_view>

namespace liminal::protocol {

enum class ReasonCode : uint16_t {
  kIncompleteHeader = 0x0001,
  kTruncatedPayload = 0x0002,
  kUnknownFrameType = 0x0003,
  kInvalidStream = 0x0004,
  kInvalidStateTransition = 0x0005,
  kAuthenticationFailure = 0x0006,
  kVersionMismatch = 0x0007,
  kSchemaIncompatible = 0x0008,
  kCodecError = 0x0009,
  kUnknownChannel = 0x0100,
  kSchemaInvalid = 0x0101,
  kSlowConsumer = 0x0102,
  kConversationOpen = 0x0103,
  kConversationUnknown = 0x0104,
  kReplyTimeout = 0x0105,
  kParticipantCrashed = 0x0106,
  kStorage = 0x0107,
  kShuttingDown = 0x0108,
  kLimit = 0x0109,
  // liminald's own (not in server-behaviour.md §9): the authenticated user's permissions do
  // not allow the operation (README "Per-client permissions").
  kForbidden = 0x010A,
  kInternal = 0xFFFF,
};

constexpr uint16_t ToWire(ReasonCode code) { return static_cast<uint16_t>(code); }

// The code's name ("CodecError", "E_UNKNOWN_CHANNEL", ...), or "UNKNOWN(0x....)"-style
// text is left to callers: returns an empty view for codes outside the table.
std::string_view ReasonCodeName(uint16_t code);

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_REASON_CODE_H_
