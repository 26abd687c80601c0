// The decoded form of every liminal frame (wire-protocol.md §2, §9).
//
//   Frame f = MakeFrame(Publish{.channel = "orders", .envelope = e}, /*stream_id=*/1);
//   std::string wire;
//   absl::Status s = EncodeFrame(f, wire);      // frame_encoder.h
//   DecodeResult r = DecodeFrame(wire);         // frame_decoder.h
//
// `flags` and `stream_id` come from the header and are preserved verbatim; the body is a
// variant with one struct per frame type. Byte strings are std::string; text fields are
// std::string holding strict UTF-8 (the decoder enforces it, the encoder checks it).
#ifndef LIMINAL_CORE_PROTOCOL_FRAME_H_
#define LIMINAL_CORE_PROTOCOL_FRAME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/protocol/envelope.h"
#include "core/protocol/frame_type.h"

namespace liminal::protocol {

struct Version {
  uint16_t major = 0;
  uint16_t minor = 0;
  friend auto operator<=>(const Version&, const Version&) = default;
};

struct Connect {
  Version min_version;
  Version max_version;
  std::string auth_token;  // opaque bytes
  friend bool operator==(const Connect&, const Connect&) = default;
};
struct ConnectAck {
  Version selected_version;
  uint32_t capabilities = 0;
  friend bool operator==(const ConnectAck&, const ConnectAck&) = default;
};
struct ConnectError {
  uint16_t reason_code = 0;
  std::optional<std::string> message;
  friend bool operator==(const ConnectError&, const ConnectError&) = default;
};
struct Disconnect {
  friend bool operator==(const Disconnect&, const Disconnect&) = default;
};
struct Subscribe {
  std::string channel;
  std::vector<SchemaId> accepted_schemas;
  uint32_t max_in_flight = 1;  // must be > 0
  friend bool operator==(const Subscribe&, const Subscribe&) = default;
};
struct SubscribeAck {
  uint64_t subscription_id = 0;
  SchemaId selected_schema{};
  friend bool operator==(const SubscribeAck&, const SubscribeAck&) = default;
};
struct SubscribeError {
  uint16_t reason_code = 0;
  std::optional<std::string> message;
  friend bool operator==(const SubscribeError&, const SubscribeError&) = default;
};
struct Unsubscribe {
  uint64_t subscription_id = 0;
  friend bool operator==(const Unsubscribe&, const Unsubscribe&) = default;
};
// The idempotency key is present iff the header carries kFlagIdempotencyKey. The decoder
// guarantees it; the encoder refuses a frame where the two disagree.
struct Publish {
  std::string channel;
  Envelope envelope;
  std::optional<std::string> idempotency_key;
  friend bool operator==(const Publish&, const Publish&) = default;
};
struct PublishAck {
  uint64_t message_id = 0;
  friend bool operator==(const PublishAck&, const PublishAck&) = default;
};
struct PublishError {
  uint16_t reason_code = 0;
  std::optional<std::string> message;
  friend bool operator==(const PublishError&, const PublishError&) = default;
};
struct ConversationOpen {
  uint64_t conversation_id = 0;
  std::string subject;
  friend bool operator==(const ConversationOpen&, const ConversationOpen&) = default;
};
struct ConversationMessage {
  uint64_t conversation_id = 0;
  Envelope envelope;
  friend bool operator==(const ConversationMessage&, const ConversationMessage&) = default;
};
struct ConversationClose {
  uint64_t conversation_id = 0;
  std::optional<uint16_t> reason_code;
  std::optional<std::string> message;
  friend bool operator==(const ConversationClose&, const ConversationClose&) = default;
};
struct ConversationError {
  uint64_t conversation_id = 0;
  uint16_t reason_code = 0;
  std::optional<std::string> message;
  friend bool operator==(const ConversationError&, const ConversationError&) = default;
};
struct Accept {
  std::string referenced_message_id;
  friend bool operator==(const Accept&, const Accept&) = default;
};
struct Defer {
  std::string referenced_message_id;
  std::optional<std::string> reason;
  friend bool operator==(const Defer&, const Defer&) = default;
};
struct Reject {
  std::string referenced_message_id;
  std::optional<std::string> reason;
  friend bool operator==(const Reject&, const Reject&) = default;
};
struct Ping {
  friend bool operator==(const Ping&, const Ping&) = default;
};
struct Pong {
  friend bool operator==(const Pong&, const Pong&) = default;
};
struct Push {
  uint64_t correlation_id = 0;
  std::string payload;  // opaque bytes
  friend bool operator==(const Push&, const Push&) = default;
};
struct PushReply {
  uint64_t correlation_id = 0;
  std::string payload;  // opaque bytes
  friend bool operator==(const PushReply&, const PushReply&) = default;
};
// One entry of a WorkerRegister's activity census (reference-compat.md §1b).
struct ActivityCensusEntry {
  std::string name;
  std::string input_schema_json;
  std::string output_schema_json;
  friend bool operator==(const ActivityCensusEntry&, const ActivityCensusEntry&) = default;
};
struct WorkerRegister {
  std::vector<std::string> namespaces;
  std::string task_queue;
  std::optional<std::string> node;  // absent and present-but-empty are distinct
  std::vector<std::string> activity_types;
  std::string identity;
  // The optional tail of the newest SDKs. On the wire an empty census may be absent or an
  // explicit zero count; both decode to an empty list, which the encoder writes as absent.
  // (Default-initialised so positional initialisers may stop at `identity`.)
  std::vector<ActivityCensusEntry> activities = {};
  friend bool operator==(const WorkerRegister&, const WorkerRegister&) = default;
};
// Accepted when rejection_reason is nullopt; Rejected(reason) otherwise.
struct WorkerRegisterAck {
  std::optional<std::string> rejection_reason;
  bool accepted() const { return !rejection_reason.has_value(); }
  friend bool operator==(const WorkerRegisterAck&, const WorkerRegisterAck&) = default;
};
struct Deliver {
  uint64_t delivery_seq = 0;
  Envelope envelope;
  friend bool operator==(const Deliver&, const Deliver&) = default;
};
// Any type id outside 0x01..0x19, carried verbatim (forward-compatibility skip).
struct UnknownFrame {
  uint8_t type_id = 0;
  std::string payload;
  friend bool operator==(const UnknownFrame&, const UnknownFrame&) = default;
};

// Alternatives are ordered by type id, so index + 1 == type id for the known types.
using FrameBody =
    std::variant<Connect, ConnectAck, ConnectError, Disconnect, Subscribe, SubscribeAck,
                 SubscribeError, Unsubscribe, Publish, PublishAck, PublishError, ConversationOpen,
                 ConversationMessage, ConversationClose, ConversationError, Accept, Defer, Reject,
                 Ping, Pong, Push, PushReply, WorkerRegister, WorkerRegisterAck, Deliver,
                 UnknownFrame>;

struct Frame {
  uint8_t flags = 0;
  uint32_t stream_id = 0;
  FrameBody body;

  // The wire type id: the known type's id, or UnknownFrame::type_id.
  uint8_t type_id() const;
  friend bool operator==(const Frame&, const Frame&) = default;
};

// Builds a frame; Publish gets kFlagIdempotencyKey set automatically when it has a key.
Frame MakeFrame(FrameBody body, uint32_t stream_id = 0, uint8_t flags = 0);

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_FRAME_H_
