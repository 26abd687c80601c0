// Frame type ids of the liminal wire protocol (wire-protocol.md §2.1, §9) and their
// stream class. Control frames travel on stream 0; every other known type needs a
// stream >= 1. Ids outside 0x01..0x19 decode as Unknown frames.
#ifndef LIMINAL_CORE_PROTOCOL_FRAME_TYPE_H_
#define LIMINAL_CORE_PROTOCOL_FRAME_TYPE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace liminal::protocol {

enum class FrameType : uint8_t {
  kConnect = 0x01,
  kConnectAck = 0x02,
  kConnectError = 0x03,
  kDisconnect = 0x04,
  kSubscribe = 0x05,
  kSubscribeAck = 0x06,
  kSubscribeError = 0x07,
  kUnsubscribe = 0x08,
  kPublish = 0x09,
  kPublishAck = 0x0A,
  kPublishError = 0x0B,
  kConversationOpen = 0x0C,
  kConversationMessage = 0x0D,
  kConversationClose = 0x0E,
  kConversationError = 0x0F,
  kAccept = 0x10,
  kDefer = 0x11,
  kReject = 0x12,
  kPing = 0x13,
  kPong = 0x14,
  kPush = 0x15,
  kPushReply = 0x16,
  kWorkerRegister = 0x17,
  kWorkerRegisterAck = 0x18,
  kDeliver = 0x19,
};

// True for ids 0x01..0x19; anything else is carried as an Unknown frame.
constexpr bool IsKnownFrameType(uint8_t id) { return id >= 0x01 && id <= 0x19; }

// True for the control types that must use stream 0.
constexpr bool IsControlFrameType(FrameType type) {
  switch (type) {
    case FrameType::kConnect:
    case FrameType::kConnectAck:
    case FrameType::kConnectError:
    case FrameType::kDisconnect:
    case FrameType::kPing:
    case FrameType::kPong:
    case FrameType::kWorkerRegister:
    case FrameType::kWorkerRegisterAck:
      return true;
    default:
      return false;
  }
}

// The type's name as used in the conformance vectors ("Connect", "PublishAck", ...).
std::string_view FrameTypeName(FrameType type);

// Inverse of FrameTypeName; nullopt for unrecognised names (including "Unknown").
std::optional<FrameType> FrameTypeFromName(std::string_view name);

// Flag bits with a defined meaning (wire-protocol.md §2.2).
inline constexpr uint8_t kFlagReplyRequested = 0x01;  // ConversationMessage
inline constexpr uint8_t kFlagIdempotencyKey = 0x02;  // Publish
inline constexpr uint8_t kFlagDelivered = 0x01;       // PublishAck
inline constexpr uint8_t kFlagReplay = 0x01;          // Subscribe (durable replay)
// Subscribe: "this client acknowledges deliveries" (reference-compat.md §2). Only then does
// the server apply credit (max_in_flight) and honour Accept, Defer and Reject.
inline constexpr uint8_t kFlagAcks = 0x02;

inline constexpr size_t kFrameHeaderSize = 10;

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_FRAME_TYPE_H_
