#include "core/protocol/frame_decoder.h"

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "core/protocol/frame_header.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/payload_reader.h"

namespace liminal::protocol {
namespace {

// One DecodeFields overload per frame type: reads the fields in wire order (§2, §9).
// `flags` matters only to Publish. The trailing-bytes check is done by the caller.

bool DecodeFields(PayloadReader& r, uint8_t, Connect& f) {
  return r.ReadVersion("min_version", f.min_version) &&
         r.ReadVersion("max_version", f.max_version) && r.ReadBytes("auth_token", f.auth_token);
}

bool DecodeFields(PayloadReader& r, uint8_t, ConnectAck& f) {
  return r.ReadVersion("selected_version", f.selected_version) &&
         r.ReadU32("capabilities", f.capabilities);
}

// ConnectError, SubscribeError and PublishError share one layout.
template <typename ErrorFrame>
bool DecodeErrorFields(PayloadReader& r, ErrorFrame& f) {
  return r.ReadU16("reason_code", f.reason_code) && r.ReadOptString("message", f.message);
}

bool DecodeFields(PayloadReader& r, uint8_t, ConnectError& f) { return DecodeErrorFields(r, f); }
bool DecodeFields(PayloadReader&, uint8_t, Disconnect&) { return true; }

bool DecodeFields(PayloadReader& r, uint8_t, Subscribe& f) {
  if (!r.ReadString("channel", f.channel) ||
      !r.ReadSchemaIdVec("accepted_schemas", f.accepted_schemas) ||
      !r.ReadU32("max_in_flight", f.max_in_flight)) {
    return false;
  }
  return f.max_in_flight > 0 || r.Fail("max_in_flight", "must be > 0");
}

bool DecodeFields(PayloadReader& r, uint8_t, SubscribeAck& f) {
  return r.ReadU64("subscription_id", f.subscription_id) &&
         r.ReadSchemaId("selected_schema", f.selected_schema);
}

bool DecodeFields(PayloadReader& r, uint8_t, SubscribeError& f) { return DecodeErrorFields(r, f); }

bool DecodeFields(PayloadReader& r, uint8_t, Unsubscribe& f) {
  return r.ReadU64("subscription_id", f.subscription_id);
}

bool DecodeFields(PayloadReader& r, uint8_t flags, Publish& f) {
  if (!r.ReadString("channel", f.channel) || !r.ReadEnvelope("envelope", f.envelope)) {
    return false;
  }
  // The key is read iff the header says so (§2.5): a missing key runs past the end, an
  // unannounced one is left as trailing bytes.
  if ((flags & kFlagIdempotencyKey) == 0) return true;
  std::string key;
  if (!r.ReadString("idempotency_key", key)) return false;
  f.idempotency_key = std::move(key);
  return true;
}

bool DecodeFields(PayloadReader& r, uint8_t, PublishAck& f) {
  return r.ReadU64("message_id", f.message_id);
}

bool DecodeFields(PayloadReader& r, uint8_t, PublishError& f) { return DecodeErrorFields(r, f); }

bool DecodeFields(PayloadReader& r, uint8_t, ConversationOpen& f) {
  return r.ReadU64("conversation_id", f.conversation_id) && r.ReadString("subject", f.subject);
}

bool DecodeFields(PayloadReader& r, uint8_t, ConversationMessage& f) {
  return r.ReadU64("conversation_id", f.conversation_id) && r.ReadEnvelope("envelope", f.envelope);
}

bool DecodeFields(PayloadReader& r, uint8_t, ConversationClose& f) {
  return r.ReadU64("conversation_id", f.conversation_id) &&
         r.ReadOptU16("reason_code", f.reason_code) && r.ReadOptString("message", f.message);
}

bool DecodeFields(PayloadReader& r, uint8_t, ConversationError& f) {
  return r.ReadU64("conversation_id", f.conversation_id) &&
         r.ReadU16("reason_code", f.reason_code) && r.ReadOptString("message", f.message);
}

bool DecodeFields(PayloadReader& r, uint8_t, Accept& f) {
  return r.ReadString("referenced_message_id", f.referenced_message_id);
}

// Defer and Reject share one layout.
template <typename Verdict>
bool DecodeVerdictFields(PayloadReader& r, Verdict& f) {
  return r.ReadString("referenced_message_id", f.referenced_message_id) &&
         r.ReadOptString("reason", f.reason);
}

bool DecodeFields(PayloadReader& r, uint8_t, Defer& f) { return DecodeVerdictFields(r, f); }
bool DecodeFields(PayloadReader& r, uint8_t, Reject& f) { return DecodeVerdictFields(r, f); }
bool DecodeFields(PayloadReader&, uint8_t, Ping&) { return true; }
bool DecodeFields(PayloadReader&, uint8_t, Pong&) { return true; }

// Push and PushReply share one layout.
template <typename PushFrame>
bool DecodePushFields(PayloadReader& r, PushFrame& f) {
  return r.ReadU64("correlation_id", f.correlation_id) && r.ReadBytes("payload", f.payload);
}

bool DecodeFields(PayloadReader& r, uint8_t, Push& f) { return DecodePushFields(r, f); }
bool DecodeFields(PayloadReader& r, uint8_t, PushReply& f) { return DecodePushFields(r, f); }

// The activity census tail (reference-compat.md §1b): u32 count, then per entry the strings
// name, input_schema_json, output_schema_json. Like a string_vec, the list grows with the
// entries actually present, never with `count`: a huge count fails at the first missing entry.
bool DecodeActivityCensus(PayloadReader& r, std::vector<ActivityCensusEntry>& out) {
  uint32_t count = 0;
  if (!r.ReadU32("activities", count)) return false;
  std::vector<ActivityCensusEntry> entries;
  for (uint32_t i = 0; i < count; ++i) {
    ActivityCensusEntry entry;
    if (!r.ReadString("activities.name", entry.name) ||
        !r.ReadString("activities.input_schema_json", entry.input_schema_json) ||
        !r.ReadString("activities.output_schema_json", entry.output_schema_json)) {
      return false;
    }
    entries.push_back(std::move(entry));
  }
  out = std::move(entries);
  return true;
}

bool DecodeFields(PayloadReader& r, uint8_t, WorkerRegister& f) {
  if (!r.ReadStringVec("namespaces", f.namespaces) || !r.ReadString("task_queue", f.task_queue) ||
      !r.ReadOptString("node", f.node) || !r.ReadStringVec("activity_types", f.activity_types) ||
      !r.ReadString("identity", f.identity)) {
    return false;
  }
  // The 0.2.x layout ends here; the newest SDKs append the census (even an empty one).
  // Whatever follows the census is left to the caller's trailing-bytes check.
  return r.remaining() == 0 || DecodeActivityCensus(r, f.activities);
}

bool DecodeFields(PayloadReader& r, uint8_t, WorkerRegisterAck& f) {
  uint8_t status = 0;
  if (!r.ReadU8("status", status)) return false;
  switch (status) {
    case 0x00:  // Accepted
      f.rejection_reason.reset();
      return true;
    case 0x01: {  // Rejected(reason)
      std::string reason;
      if (!r.ReadString("reason", reason)) return false;
      f.rejection_reason = std::move(reason);
      return true;
    }
    default:
      return r.Fail("status",
                    absl::StrFormat("must be 0 (Accepted) or 1 (Rejected), got %d", status));
  }
}

bool DecodeFields(PayloadReader& r, uint8_t, Deliver& f) {
  return r.ReadU64("delivery_seq", f.delivery_seq) && r.ReadEnvelope("envelope", f.envelope);
}

// Decodes the payload of the known type whose FrameBody index is `Index` (= id - 1) straight
// into `body`.
template <size_t Index>
bool DecodeBody(PayloadReader& reader, uint8_t flags, FrameBody& body) {
  return DecodeFields(reader, flags, body.emplace<Index>()) && reader.ExpectEnd();
}

using BodyDecoder = bool (*)(PayloadReader&, uint8_t, FrameBody&);

// Indexed by type id - 1; covers exactly the known types 0x01..0x19.
constexpr auto kBodyDecoders = []<size_t... Index>(std::index_sequence<Index...>) {
  return std::array<BodyDecoder, sizeof...(Index)>{&DecodeBody<Index>...};
}
(std::make_index_sequence<static_cast<size_t>(FrameType::kDeliver)>{});

static_assert(std::variant_size_v<FrameBody> == kBodyDecoders.size() + 1,
              "every known frame type needs a decoder; UnknownFrame is last");

}  // namespace

DecodeResult DecodeFrame(std::string_view bytes) {
  // §1.2 steps 1-2: "need more bytes" outcomes come before any validation.
  const std::optional<FrameHeader> header = PeekFrameHeader(bytes);
  if (!header.has_value()) {
    return DecodeError{
        DecodeErrorClass::kIncompleteHeader,
        absl::StrFormat("have %d of %d header bytes", bytes.size(), kFrameHeaderSize)};
  }
  const uint64_t frame_size = header->frame_size();
  if (bytes.size() < frame_size) {
    return DecodeError{DecodeErrorClass::kTruncatedPayload,
                       absl::StrFormat("have %d of %d frame bytes", bytes.size(), frame_size)};
  }
  // Step 3: exactly the announced payload; later bytes belong to the next frame.
  const auto consumed = static_cast<size_t>(frame_size);
  const std::string_view payload = bytes.substr(kFrameHeaderSize, header->payload_length);

  // Step 4: unknown ids are carried verbatim, with no stream check.
  if (!IsKnownFrameType(header->type_id)) {
    return DecodeResult(Frame{header->flags, header->stream_id,
                              UnknownFrame{header->type_id, std::string(payload)}},
                        consumed);
  }

  // Step 5: stream placement, before the payload is looked at.
  const auto type = static_cast<FrameType>(header->type_id);
  const std::string_view name = FrameTypeName(type);
  if (IsControlFrameType(type) && header->stream_id != 0) {
    return DecodeError{
        DecodeErrorClass::kInvalidStream,
        absl::StrFormat("%s is a control frame but arrived on stream %d", name, header->stream_id)};
  }
  if (!IsControlFrameType(type) && header->stream_id == 0) {
    return DecodeError{DecodeErrorClass::kInvalidStream,
                       absl::StrFormat("%s is an application frame but arrived on stream 0", name)};
  }

  // Steps 6-8: the payload, consumed exactly.
  PayloadReader reader(payload, name);
  DecodeResult result;
  if (!kBodyDecoders[header->type_id - 1](reader, header->flags, result.frame_.body)) {
    result.error_ = DecodeError{DecodeErrorClass::kCodecError, reader.error()};
    return result;
  }
  result.frame_.flags = header->flags;
  result.frame_.stream_id = header->stream_id;
  result.consumed_ = consumed;
  return result;
}

}  // namespace liminal::protocol
