#include "core/protocol/frame_type.h"

#include <array>

namespace liminal::protocol {
namespace {

// Indexed by type id - 1.
constexpr std::array<std::string_view, 25> kNames = {
    "Connect",
    "ConnectAck",
    "ConnectError",
    "Disconnect",
    "Subscribe",
    "SubscribeAck",
    "SubscribeError",
    "Unsubscribe",
    "Publish",
    "PublishAck",
    "PublishError",
    "ConversationOpen",
    "ConversationMessage",
    "ConversationClose",
    "ConversationError",
    "Accept",
    "Defer",
    "Reject",
    "Ping",
    "Pong",
    "Push",
    "PushReply",
    "WorkerRegister",
    "WorkerRegisterAck",
    "Deliver",
};

}  // namespace

std::string_view FrameTypeName(FrameType type) {
  const auto id = static_cast<uint8_t>(type);
  if (!IsKnownFrameType(id)) return {};
  return kNames[id - 1];
}

std::optional<FrameType> FrameTypeFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<FrameType>(i + 1);
  }
  return std::nullopt;
}

}  // namespace liminal::protocol
