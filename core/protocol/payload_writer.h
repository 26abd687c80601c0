// Writes the typed fields of one frame payload (wire-protocol.md §0, §3) onto the end of a
// caller-owned buffer, validating as it goes: text must be strict UTF-8 and every length,
// count and the payload itself must fit in u32. Used by the frame encoder.
//
//   PayloadWriter writer(out, "Subscribe");
//   writer.WriteString("channel", s.channel);
//   writer.WriteSchemaIdVec("accepted_schemas", s.accepted_schemas);
//   writer.WriteU32(s.max_in_flight);
//   absl::Status status = writer.Finish();   // first failure, if any
//
// On failure the bytes already appended stay in `out`; the caller (EncodeFrame) rolls the
// buffer back. `max_length` replaces the u32 limit so tests can reach it with small inputs.
#ifndef LIMINAL_CORE_PROTOCOL_PAYLOAD_WRITER_H_
#define LIMINAL_CORE_PROTOCOL_PAYLOAD_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/protocol/byte_writer.h"
#include "core/protocol/envelope.h"
#include "core/protocol/frame.h"

namespace liminal::protocol {

class PayloadWriter {
 public:
  static constexpr uint64_t kMaxLength = 0xFFFFFFFF;  // u32 lengths and counts

  // `context` (e.g. "Publish") prefixes every error message and must outlive the writer.
  PayloadWriter(std::string& out, std::string_view context, uint64_t max_length = kMaxLength);

  void WriteU8(uint8_t value) { writer_.AppendU8(value); }
  void WriteU16(uint16_t value) { writer_.AppendU16(value); }
  void WriteU32(uint32_t value) { writer_.AppendU32(value); }
  void WriteU64(uint64_t value) { writer_.AppendU64(value); }
  // Raw bytes with no length prefix (an UnknownFrame's payload).
  void WriteRaw(std::string_view bytes) { writer_.AppendRaw(bytes); }
  void WriteBytes(std::string_view field, std::string_view bytes);
  void WriteString(std::string_view field, std::string_view text);
  void WriteOptString(std::string_view field, const std::optional<std::string>& text);
  void WriteOptU16(const std::optional<uint16_t>& value);
  void WriteOptU64(const std::optional<uint64_t>& value);
  // A u32 count of `count` elements that the caller writes next; false (and nothing
  // written) when it does not fit.
  bool WriteCount(std::string_view field, uint64_t count);
  void WriteStringVec(std::string_view field, const std::vector<std::string>& texts);
  void WriteSchemaId(const SchemaId& id);
  void WriteSchemaIdVec(std::string_view field, const std::vector<SchemaId>& ids);
  void WriteVersion(const Version& version);
  // A `bytes` field holding the envelope (§3.1) with its causal context (§3.2).
  void WriteEnvelope(std::string_view field, const Envelope& envelope) {
    WriteEnvelope(field, envelope.schema_id, envelope);
  }
  // `envelope` under another schema id (a Deliver carries the subscription's).
  void WriteEnvelope(std::string_view field, const SchemaId& schema_id, const Envelope& envelope);

  // Records a refusal that is not about sizes or text (e.g. max_in_flight 0).
  void Fail(std::string_view field, std::string_view problem);

  // Payload bytes written so far.
  size_t size() const { return writer_.size() - start_; }
  // OK, or InvalidArgument with the first failure; also refuses a payload longer than
  // `max_length`.
  absl::Status Finish() const;

 private:
  // Appends a u32 placeholder and returns its offset; EndLength fills it with the number of
  // bytes appended since, refusing more than max_length.
  size_t BeginLength();
  void EndLength(std::string_view field, size_t at);
  bool CheckCount(std::string_view field, uint64_t count);

  std::string& out_;
  ByteWriter writer_;
  std::string_view context_;
  uint64_t max_length_;
  size_t start_;
  absl::Status status_;
};

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_PAYLOAD_WRITER_H_
