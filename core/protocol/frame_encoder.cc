#include "core/protocol/frame_encoder.h"

#include <cstring>
#include <variant>

#include "absl/strings/str_format.h"
#include "core/protocol/big_endian.h"
#include "core/protocol/byte_writer.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/payload_writer.h"

namespace liminal::protocol {
namespace {

// One EncodeFields overload per frame type: writes the fields in wire order (§2, §9).
// `flags` matters only to Publish, whose key must agree with kFlagIdempotencyKey.

void EncodeFields(PayloadWriter& w, uint8_t, const Connect& f) {
  w.WriteVersion(f.min_version);
  w.WriteVersion(f.max_version);
  w.WriteBytes("auth_token", f.auth_token);
}

void EncodeFields(PayloadWriter& w, uint8_t, const ConnectAck& f) {
  w.WriteVersion(f.selected_version);
  w.WriteU32(f.capabilities);
}

// ConnectError, SubscribeError and PublishError share one layout.
template <typename ErrorFrame>
void EncodeErrorFields(PayloadWriter& w, const ErrorFrame& f) {
  w.WriteU16(f.reason_code);
  w.WriteOptString("message", f.message);
}

void EncodeFields(PayloadWriter& w, uint8_t, const ConnectError& f) { EncodeErrorFields(w, f); }
void EncodeFields(PayloadWriter&, uint8_t, const Disconnect&) {}

void EncodeFields(PayloadWriter& w, uint8_t, const Subscribe& f) {
  w.WriteString("channel", f.channel);
  w.WriteSchemaIdVec("accepted_schemas", f.accepted_schemas);
  if (f.max_in_flight == 0) w.Fail("max_in_flight", "must be > 0");
  w.WriteU32(f.max_in_flight);
}

void EncodeFields(PayloadWriter& w, uint8_t, const SubscribeAck& f) {
  w.WriteU64(f.subscription_id);
  w.WriteSchemaId(f.selected_schema);
}

void EncodeFields(PayloadWriter& w, uint8_t, const SubscribeError& f) { EncodeErrorFields(w, f); }
void EncodeFields(PayloadWriter& w, uint8_t, const Unsubscribe& f) {
  w.WriteU64(f.subscription_id);
}

void EncodeFields(PayloadWriter& w, uint8_t flags, const Publish& f) {
  const bool flagged = (flags & kFlagIdempotencyKey) != 0;
  if (flagged && !f.idempotency_key.has_value()) {
    w.Fail("idempotency_key", "flag 0x02 is set but there is no key (use MakeFrame, or clear it)");
  }
  if (!flagged && f.idempotency_key.has_value()) {
    w.Fail("idempotency_key", "a key is present but flag 0x02 is clear (use MakeFrame, or set it)");
  }
  w.WriteString("channel", f.channel);
  w.WriteEnvelope("envelope", f.envelope);
  if (f.idempotency_key.has_value()) w.WriteString("idempotency_key", *f.idempotency_key);
}

void EncodeFields(PayloadWriter& w, uint8_t, const PublishAck& f) { w.WriteU64(f.message_id); }
void EncodeFields(PayloadWriter& w, uint8_t, const PublishError& f) { EncodeErrorFields(w, f); }

void EncodeFields(PayloadWriter& w, uint8_t, const ConversationOpen& f) {
  w.WriteU64(f.conversation_id);
  w.WriteString("subject", f.subject);
}

void EncodeFields(PayloadWriter& w, uint8_t, const ConversationMessage& f) {
  w.WriteU64(f.conversation_id);
  w.WriteEnvelope("envelope", f.envelope);
}

void EncodeFields(PayloadWriter& w, uint8_t, const ConversationClose& f) {
  w.WriteU64(f.conversation_id);
  w.WriteOptU16(f.reason_code);
  w.WriteOptString("message", f.message);
}

void EncodeFields(PayloadWriter& w, uint8_t, const ConversationError& f) {
  w.WriteU64(f.conversation_id);
  w.WriteU16(f.reason_code);
  w.WriteOptString("message", f.message);
}

void EncodeFields(PayloadWriter& w, uint8_t, const Accept& f) {
  w.WriteString("referenced_message_id", f.referenced_message_id);
}

// Defer and Reject share one layout.
template <typename Verdict>
void EncodeVerdictFields(PayloadWriter& w, const Verdict& f) {
  w.WriteString("referenced_message_id", f.referenced_message_id);
  w.WriteOptString("reason", f.reason);
}

void EncodeFields(PayloadWriter& w, uint8_t, const Defer& f) { EncodeVerdictFields(w, f); }
void EncodeFields(PayloadWriter& w, uint8_t, const Reject& f) { EncodeVerdictFields(w, f); }
void EncodeFields(PayloadWriter&, uint8_t, const Ping&) {}
void EncodeFields(PayloadWriter&, uint8_t, const Pong&) {}

// Push and PushReply share one layout.
template <typename PushFrame>
void EncodePushFields(PayloadWriter& w, const PushFrame& f) {
  w.WriteU64(f.correlation_id);
  w.WriteBytes("payload", f.payload);
}

void EncodeFields(PayloadWriter& w, uint8_t, const Push& f) { EncodePushFields(w, f); }
void EncodeFields(PayloadWriter& w, uint8_t, const PushReply& f) { EncodePushFields(w, f); }

void EncodeFields(PayloadWriter& w, uint8_t, const WorkerRegister& f) {
  w.WriteStringVec("namespaces", f.namespaces);
  w.WriteString("task_queue", f.task_queue);
  w.WriteOptString("node", f.node);
  w.WriteStringVec("activity_types", f.activity_types);
  w.WriteString("identity", f.identity);
  // An empty census is left out, so 0.2.x decoders still accept the frame (reference-compat.md
  // §1b); a non-empty one is the tail: u32 count, then three strings per entry.
  if (f.activities.empty() || !w.WriteCount("activities", f.activities.size())) return;
  for (const ActivityCensusEntry& entry : f.activities) {
    w.WriteString("activities.name", entry.name);
    w.WriteString("activities.input_schema_json", entry.input_schema_json);
    w.WriteString("activities.output_schema_json", entry.output_schema_json);
  }
}

void EncodeFields(PayloadWriter& w, uint8_t, const WorkerRegisterAck& f) {
  w.WriteU8(f.accepted() ? 0x00 : 0x01);
  if (!f.accepted()) w.WriteString("reason", *f.rejection_reason);
}

void EncodeFields(PayloadWriter& w, uint8_t, const Deliver& f) {
  w.WriteU64(f.delivery_seq);
  w.WriteEnvelope("envelope", f.envelope);
}

// Carried verbatim (§1.3); the id check is done by EncodeFrame.
void EncodeFields(PayloadWriter& w, uint8_t, const UnknownFrame& f) {
  // Not WriteBytes: an unknown payload has no length prefix of its own.
  w.WriteRaw(f.payload);
}

// Why a known frame type may not travel on `stream_id` (§1.4).
absl::Status CheckStream(FrameType type, uint32_t stream_id) {
  if (IsControlFrameType(type) && stream_id != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is a control frame and must use stream 0, not %d (InvalidStream)",
                        FrameTypeName(type), stream_id));
  }
  if (!IsControlFrameType(type) && stream_id == 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is an application frame and needs a stream id >= 1 (InvalidStream)",
                        FrameTypeName(type)));
  }
  return absl::OkStatus();
}

// Why `frame` may not be encoded as it stands, judged from the header alone.
absl::Status CheckHeader(const Frame& frame) {
  const uint8_t id = frame.type_id();
  if (std::holds_alternative<UnknownFrame>(frame.body)) {
    if (!IsKnownFrameType(id)) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrFormat(
        "UnknownFrame with type id 0x%02X: that id is the known type %s, which would not decode "
        "back to an UnknownFrame; build the typed frame instead",
        id, FrameTypeName(static_cast<FrameType>(id))));
  }
  return CheckStream(static_cast<FrameType>(id), frame.stream_id);
}

// Appends the header, then the payload written by `write_fields(PayloadWriter&)`, then
// patches the payload length in; on a refusal nothing stays appended.
template <typename WriteFields>
absl::Status EncodeWith(uint8_t id, uint8_t flags, uint32_t stream_id, std::string& out,
                        WriteFields&& write_fields) {
  const size_t start = out.size();
  ByteWriter header(out);
  header.AppendU8(id);
  header.AppendU8(flags);
  header.AppendU32(stream_id);
  header.AppendU32(0);  // payload_length, patched below
  const std::string_view context =
      IsKnownFrameType(id) ? FrameTypeName(static_cast<FrameType>(id)) : "Unknown";
  PayloadWriter payload(out, context);
  write_fields(payload);
  if (absl::Status status = payload.Finish(); !status.ok()) {
    out.resize(start);  // nothing appended on error
    return status;
  }
  header.PatchU32(start + kFrameHeaderSize - 4, static_cast<uint32_t>(payload.size()));
  return absl::OkStatus();
}

}  // namespace

absl::Status EncodeFrame(const Frame& frame, std::string& out) {
  if (absl::Status status = CheckHeader(frame); !status.ok()) return status;
  return EncodeWith(frame.type_id(), frame.flags, frame.stream_id, out, [&](PayloadWriter& w) {
    std::visit([&](const auto& body) { EncodeFields(w, frame.flags, body); }, frame.body);
  });
}

absl::Status EncodePublish(uint32_t stream_id, const Publish& publish, std::string& out) {
  if (absl::Status status = CheckStream(FrameType::kPublish, stream_id); !status.ok()) {
    return status;
  }
  const uint8_t flags = publish.idempotency_key.has_value() ? kFlagIdempotencyKey : 0;
  return EncodeWith(static_cast<uint8_t>(FrameType::kPublish), flags, stream_id, out,
                    [&](PayloadWriter& w) { EncodeFields(w, flags, publish); });
}

namespace {

// EncodeDeliver, with or without the payload's bytes at the end.
absl::Status EncodeDeliverMaybePayload(uint32_t stream_id, uint64_t delivery_seq,
                                       const SchemaId& schema_id, const Envelope& envelope,
                                       std::string& out, bool with_payload) {
  if (absl::Status status = CheckStream(FrameType::kDeliver, stream_id); !status.ok()) {
    return status;
  }
  // Almost every delivery carries the independent causal context: then everything before
  // the payload has a fixed layout (wire §9, §3) and is written in one piece.
  //   header | u64 seq | u32 envelope length | schema id | u32 2, 00 00 | u32 payload length
  constexpr size_t kFixedPrefix =
      kFrameHeaderSize + 8 + 4 + sizeof(SchemaId) + kIndependentCausalWire.size() + 4;
  constexpr uint64_t kFixedPayload = kFixedPrefix - kFrameHeaderSize;
  const uint64_t payload_size = envelope.payload.size();
  if (envelope.causal.independent() && payload_size <= PayloadWriter::kMaxLength - kFixedPayload) {
    char prefix[kFixedPrefix];
    prefix[0] = static_cast<char>(FrameType::kDeliver);
    prefix[1] = 0;  // no flags are defined
    StoreBigEndian<uint32_t>(stream_id, prefix + 2);
    StoreBigEndian<uint32_t>(static_cast<uint32_t>(kFixedPayload + payload_size), prefix + 6);
    StoreBigEndian<uint64_t>(delivery_seq, prefix + 10);
    StoreBigEndian<uint32_t>(static_cast<uint32_t>(32 + 6 + 4 + payload_size), prefix + 18);
    std::memcpy(prefix + 22, schema_id.data(), 32);
    std::memcpy(prefix + 54, kIndependentCausalWire.data(), kIndependentCausalWire.size());
    StoreBigEndian<uint32_t>(static_cast<uint32_t>(payload_size), prefix + 60);
    if (!with_payload) {
      out.append(prefix, kFixedPrefix);
      return absl::OkStatus();
    }
    out.reserve(out.size() + kFixedPrefix + payload_size);
    out.append(prefix, kFixedPrefix);
    out.append(envelope.payload);
    return absl::OkStatus();
  }
  absl::Status status = EncodeWith(static_cast<uint8_t>(FrameType::kDeliver), /*flags=*/0,
                                   stream_id, out, [&](PayloadWriter& w) {
                                     w.WriteU64(delivery_seq);
                                     w.WriteEnvelope("envelope", schema_id, envelope);
                                   });
  // Rare (a causal context): the payload was written, and is cut off again.
  if (status.ok() && !with_payload) out.resize(out.size() - payload_size);
  return status;
}

}  // namespace

absl::Status EncodeDeliver(uint32_t stream_id, uint64_t delivery_seq, const SchemaId& schema_id,
                           const Envelope& envelope, std::string& out) {
  return EncodeDeliverMaybePayload(stream_id, delivery_seq, schema_id, envelope, out,
                                   /*with_payload=*/true);
}

absl::Status EncodeDeliverPrefix(uint32_t stream_id, uint64_t delivery_seq,
                                 const SchemaId& schema_id, const Envelope& envelope,
                                 std::string& out) {
  return EncodeDeliverMaybePayload(stream_id, delivery_seq, schema_id, envelope, out,
                                   /*with_payload=*/false);
}

}  // namespace liminal::protocol
