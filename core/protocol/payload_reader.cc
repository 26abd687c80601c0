#include "core/protocol/payload_reader.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "core/protocol/big_endian.h"
#include "core/protocol/utf8.h"

namespace liminal::protocol {

bool PayloadReader::Fail(std::string_view field, std::string_view problem) {
  error_ = absl::StrFormat("%s.%s: %s", context_, field, problem);
  return false;
}

bool PayloadReader::Nested(const PayloadReader& inner) {
  error_ = absl::StrFormat("%s.%s", context_, inner.error());
  return false;
}

bool PayloadReader::PastEnd(std::string_view field) {
  return Fail(field, "runs past the end of the payload");
}

bool PayloadReader::ReadInteger(std::string_view field, uint8_t& out) {
  return reader_.ReadU8(out) || PastEnd(field);
}

bool PayloadReader::ReadInteger(std::string_view field, uint16_t& out) {
  return reader_.ReadU16(out) || PastEnd(field);
}

bool PayloadReader::ReadInteger(std::string_view field, uint32_t& out) {
  return reader_.ReadU32(out) || PastEnd(field);
}

bool PayloadReader::ReadInteger(std::string_view field, uint64_t& out) {
  return reader_.ReadU64(out) || PastEnd(field);
}

bool PayloadReader::ReadLengthPrefixed(std::string_view field, std::string_view& raw) {
  uint32_t length = 0;
  std::string_view value;
  if (!reader_.ReadU32(length) || !reader_.ReadRaw(length, value)) return PastEnd(field);
  raw = value;
  return true;
}

bool PayloadReader::ReadBytes(std::string_view field, std::string& out) {
  std::string_view raw;
  if (!ReadLengthPrefixed(field, raw)) return false;
  out.assign(raw);
  return true;
}

bool PayloadReader::ReadString(std::string_view field, std::string& out) {
  std::string_view raw;
  if (!ReadLengthPrefixed(field, raw)) return false;
  if (!IsValidUtf8(raw)) return Fail(field, "invalid UTF-8");
  out.assign(raw);
  return true;
}

bool PayloadReader::ReadPresenceTag(std::string_view field, bool& present) {
  uint8_t tag = 0;
  if (!reader_.ReadU8(tag)) return PastEnd(field);
  if (tag > 1) return Fail(field, absl::StrFormat("presence tag must be 0 or 1, got %d", tag));
  present = tag == 1;
  return true;
}

bool PayloadReader::ReadOptString(std::string_view field, std::optional<std::string>& out) {
  bool present = false;
  if (!ReadPresenceTag(field, present)) return false;
  if (!present) {
    out.reset();
    return true;
  }
  std::string value;
  if (!ReadString(field, value)) return false;
  out = std::move(value);
  return true;
}

template <typename N>
bool PayloadReader::ReadOptInteger(std::string_view field, std::optional<N>& out) {
  bool present = false;
  if (!ReadPresenceTag(field, present)) return false;
  if (!present) {
    out.reset();
    return true;
  }
  N value = 0;
  if (!ReadInteger(field, value)) return false;
  out = value;
  return true;
}

bool PayloadReader::ReadOptU16(std::string_view field, std::optional<uint16_t>& out) {
  return ReadOptInteger(field, out);
}

bool PayloadReader::ReadOptU64(std::string_view field, std::optional<uint64_t>& out) {
  return ReadOptInteger(field, out);
}

bool PayloadReader::ReadStringVec(std::string_view field, std::vector<std::string>& out) {
  uint32_t count = 0;
  if (!ReadU32(field, count)) return false;
  std::vector<std::string> values;  // grows with the bytes present, not with `count`
  for (uint32_t i = 0; i < count; ++i) {
    std::string value;
    if (!ReadString(field, value)) return false;
    values.push_back(std::move(value));
  }
  out = std::move(values);
  return true;
}

bool PayloadReader::ReadSchemaId(std::string_view field, SchemaId& out) {
  std::string_view raw;
  if (!reader_.ReadRaw(out.size(), raw)) return PastEnd(field);
  std::memcpy(out.data(), raw.data(), out.size());
  return true;
}

bool PayloadReader::ReadSchemaIdVec(std::string_view field, std::vector<SchemaId>& out) {
  uint32_t count = 0;
  if (!ReadU32(field, count)) return false;
  // All count * 32 bytes must be present; checked up front (in 64 bits) so a huge
  // count fails at once instead of after a long loop.
  if (static_cast<uint64_t>(count) * sizeof(SchemaId) > reader_.remaining()) {
    return PastEnd(field);
  }
  std::vector<SchemaId> values(count);  // bounded by the bytes present (checked above)
  for (SchemaId& value : values) {
    if (!ReadSchemaId(field, value)) return false;
  }
  out = std::move(values);
  return true;
}

bool PayloadReader::ReadVersion(std::string_view field, Version& out) {
  Version value;
  if (!reader_.ReadU16(value.major) || !reader_.ReadU16(value.minor)) return PastEnd(field);
  out = value;
  return true;
}

bool PayloadReader::ReadCausalContext(std::string_view field, CausalContext& out) {
  std::string_view raw;
  if (!ReadLengthPrefixed(field, raw)) return false;
  if (raw == kIndependentCausalWire.substr(4)) {  // both parts absent: independent
    out = CausalContext{};
    return true;
  }
  PayloadReader causal(raw, field);
  CausalContext value;
  const bool ok = causal.ReadOptString("parent_id", value.parent_id) &&
                  causal.ReadOptU64("vector_clock", value.vector_clock) && causal.ExpectEnd();
  if (!ok) return Nested(causal);
  out = std::move(value);
  return true;
}

bool PayloadReader::ReadEnvelope(std::string_view field, Envelope& out) {
  std::string_view raw;
  if (!ReadLengthPrefixed(field, raw)) return false;
  // Almost every envelope has the independent causal context, and then a fixed layout:
  // schema id | u32 2, 00 00 | u32 n | n payload bytes filling the rest. Exactly what the
  // field-by-field reading below would accept, without its nested readers.
  constexpr size_t kCausalAt = sizeof(SchemaId);
  constexpr size_t kPayloadAt = kCausalAt + kIndependentCausalWire.size() + 4;
  if (raw.size() >= kPayloadAt &&
      raw.substr(kCausalAt, kIndependentCausalWire.size()) == kIndependentCausalWire &&
      LoadBigEndian<uint32_t>(raw.data() + kPayloadAt - 4) == raw.size() - kPayloadAt) {
    std::memcpy(out.schema_id.data(), raw.data(), sizeof(SchemaId));
    out.causal = CausalContext{};
    out.payload.assign(raw.substr(kPayloadAt));
    return true;
  }
  PayloadReader envelope(raw, field);
  Envelope value;
  const bool ok = envelope.ReadSchemaId("schema_id", value.schema_id) &&
                  envelope.ReadCausalContext("causal", value.causal) &&
                  envelope.ReadBytes("payload", value.payload) && envelope.ExpectEnd();
  if (!ok) return Nested(envelope);
  out = std::move(value);
  return true;
}

bool PayloadReader::ExpectEnd() {
  if (reader_.empty()) return true;
  error_ = absl::StrFormat("%s: %d trailing bytes", context_, reader_.remaining());
  return false;
}

}  // namespace liminal::protocol
