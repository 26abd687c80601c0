#include "core/protocol/payload_writer.h"

#include "absl/strings/str_format.h"
#include "core/protocol/utf8.h"

namespace liminal::protocol {

PayloadWriter::PayloadWriter(std::string& out, std::string_view context, uint64_t max_length)
    : out_(out), writer_(out), context_(context), max_length_(max_length), start_(out.size()) {}

void PayloadWriter::Fail(std::string_view field, std::string_view problem) {
  if (!status_.ok()) return;  // keep the first failure
  status_ = absl::InvalidArgumentError(absl::StrFormat("%s.%s: %s", context_, field, problem));
}

bool PayloadWriter::CheckCount(std::string_view field, uint64_t count) {
  if (count <= max_length_) return true;
  Fail(field,
       absl::StrFormat("%d does not fit in a u32 length/count (max %d)", count, max_length_));
  return false;
}

size_t PayloadWriter::BeginLength() {
  const size_t at = writer_.size();
  writer_.AppendU32(0);
  return at;
}

void PayloadWriter::EndLength(std::string_view field, size_t at) {
  const uint64_t length = writer_.size() - at - 4;
  if (!CheckCount(field, length)) return;
  writer_.PatchU32(at, static_cast<uint32_t>(length));
}

void PayloadWriter::WriteBytes(std::string_view field, std::string_view bytes) {
  if (!CheckCount(field, bytes.size())) return;
  writer_.AppendU32(static_cast<uint32_t>(bytes.size()));
  writer_.AppendRaw(bytes);
}

void PayloadWriter::WriteString(std::string_view field, std::string_view text) {
  if (!IsValidUtf8(text)) {
    Fail(field, "not valid UTF-8");
    return;
  }
  WriteBytes(field, text);
}

void PayloadWriter::WriteOptString(std::string_view field, const std::optional<std::string>& text) {
  WriteU8(text.has_value() ? 1 : 0);
  if (text.has_value()) WriteString(field, *text);
}

void PayloadWriter::WriteOptU16(const std::optional<uint16_t>& value) {
  WriteU8(value.has_value() ? 1 : 0);
  if (value.has_value()) WriteU16(*value);
}

void PayloadWriter::WriteOptU64(const std::optional<uint64_t>& value) {
  WriteU8(value.has_value() ? 1 : 0);
  if (value.has_value()) WriteU64(*value);
}

bool PayloadWriter::WriteCount(std::string_view field, uint64_t count) {
  if (!CheckCount(field, count)) return false;
  WriteU32(static_cast<uint32_t>(count));
  return true;
}

void PayloadWriter::WriteStringVec(std::string_view field, const std::vector<std::string>& texts) {
  if (!WriteCount(field, texts.size())) return;
  for (const std::string& text : texts) WriteString(field, text);
}

void PayloadWriter::WriteSchemaId(const SchemaId& id) {
  writer_.AppendRaw(std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

void PayloadWriter::WriteSchemaIdVec(std::string_view field, const std::vector<SchemaId>& ids) {
  if (!WriteCount(field, ids.size())) return;
  for (const SchemaId& id : ids) WriteSchemaId(id);
}

void PayloadWriter::WriteVersion(const Version& version) {
  WriteU16(version.major);
  WriteU16(version.minor);
}

void PayloadWriter::WriteEnvelope(std::string_view field, const SchemaId& schema_id,
                                  const Envelope& envelope) {
  const size_t envelope_at = BeginLength();
  PayloadWriter inner(out_, field, max_length_);
  inner.WriteSchemaId(schema_id);
  if (envelope.causal.independent()) {
    inner.WriteRaw(kIndependentCausalWire);
  } else {
    const size_t causal_at = inner.BeginLength();
    inner.WriteOptString("causal.parent_id", envelope.causal.parent_id);
    inner.WriteOptU64(envelope.causal.vector_clock);
    inner.EndLength("causal", causal_at);
  }
  inner.WriteBytes("payload", envelope.payload);
  if (!inner.status_.ok()) {
    if (status_.ok()) {
      status_ =
          absl::InvalidArgumentError(absl::StrFormat("%s.%s", context_, inner.status_.message()));
    }
    return;
  }
  EndLength(field, envelope_at);
}

absl::Status PayloadWriter::Finish() const {
  if (!status_.ok()) return status_;
  if (size() > max_length_) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: payload of %d bytes does not fit in a u32 length (max %d)", context_,
                        size(), max_length_));
  }
  return absl::OkStatus();
}

}  // namespace liminal::protocol
