// Reads the typed fields of one frame payload (wire-protocol.md §0, §3): lengths, strict
// UTF-8 strings, presence tags, lists, versions and nested envelopes. Used by the frame
// decoder; every failure is a CodecError whose detail names the field.
//
//   PayloadReader reader(payload, "Subscribe");
//   Subscribe s;
//   if (!reader.ReadString("channel", s.channel) || ... || !reader.ExpectEnd()) {
//     return DecodeError{DecodeErrorClass::kCodecError, reader.error()};
//   }
//
// Reads are bounds-checked through ByteReader, and no read reserves memory in proportion
// to a count taken from the wire: string lists grow element by element and stop at the
// first element that is not there; schema-id lists are sized only once all count x 32
// bytes are known to be present.
#ifndef LIMINAL_CORE_PROTOCOL_PAYLOAD_READER_H_
#define LIMINAL_CORE_PROTOCOL_PAYLOAD_READER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/byte_reader.h"
#include "core/protocol/envelope.h"
#include "core/protocol/frame.h"

namespace liminal::protocol {

class PayloadReader {
 public:
  // `context` (e.g. "Publish") prefixes every error detail: "Publish.channel: ...". It
  // must outlive the reader (frame type names and field names are static strings).
  PayloadReader(std::string_view payload, std::string_view context)
      : reader_(payload), context_(context) {}

  bool ReadU8(std::string_view field, uint8_t& out) { return ReadInteger(field, out); }
  bool ReadU16(std::string_view field, uint16_t& out) { return ReadInteger(field, out); }
  bool ReadU32(std::string_view field, uint32_t& out) { return ReadInteger(field, out); }
  bool ReadU64(std::string_view field, uint64_t& out) { return ReadInteger(field, out); }
  // `bytes`: u32 length then that many opaque bytes.
  bool ReadBytes(std::string_view field, std::string& out);
  // `string`: like `bytes`, and the content must be strict UTF-8.
  bool ReadString(std::string_view field, std::string& out);
  // A presence tag: 0x00 (absent) or 0x01 (present); anything else fails.
  bool ReadPresenceTag(std::string_view field, bool& present);
  bool ReadOptString(std::string_view field, std::optional<std::string>& out);
  bool ReadOptU16(std::string_view field, std::optional<uint16_t>& out);
  bool ReadOptU64(std::string_view field, std::optional<uint64_t>& out);
  bool ReadStringVec(std::string_view field, std::vector<std::string>& out);
  bool ReadSchemaId(std::string_view field, SchemaId& out);
  bool ReadSchemaIdVec(std::string_view field, std::vector<SchemaId>& out);
  bool ReadVersion(std::string_view field, Version& out);
  // A `bytes` field holding an envelope (§3.1) that must consume it exactly.
  bool ReadEnvelope(std::string_view field, Envelope& out);

  // Payload bytes not read yet (an optional trailing field is present iff this is > 0).
  size_t remaining() const { return reader_.remaining(); }
  // Succeeds iff the whole payload has been read ("trailing bytes" otherwise).
  bool ExpectEnd();
  // Records a failure that is not about the bytes' shape (e.g. max_in_flight 0);
  // always returns false so callers can `return reader.Fail(...)`.
  bool Fail(std::string_view field, std::string_view problem);

  // The detail of the last failure, e.g. "Publish.channel: invalid UTF-8".
  const std::string& error() const { return error_; }

 private:
  bool ReadInteger(std::string_view field, uint8_t& out);
  bool ReadInteger(std::string_view field, uint16_t& out);
  bool ReadInteger(std::string_view field, uint32_t& out);
  bool ReadInteger(std::string_view field, uint64_t& out);
  template <typename N>
  bool ReadOptInteger(std::string_view field, std::optional<N>& out);
  // A u32 length, then that many bytes (as a view into the payload).
  bool ReadLengthPrefixed(std::string_view field, std::string_view& raw);
  bool PastEnd(std::string_view field);
  // Adopts the failure of a reader over a nested field, prefixed with this context.
  bool Nested(const PayloadReader& inner);
  bool ReadCausalContext(std::string_view field, CausalContext& out);

  ByteReader reader_;
  std::string_view context_;
  std::string error_;
};

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_PAYLOAD_READER_H_
