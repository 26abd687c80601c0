// Typed decode failures (wire-protocol.md §1.2, §5). IncompleteHeader and TruncatedPayload
// mean "need more bytes" and are not faults; InvalidStream and CodecError are malformed input.
#ifndef LIMINAL_CORE_PROTOCOL_DECODE_ERROR_H_
#define LIMINAL_CORE_PROTOCOL_DECODE_ERROR_H_

#include <optional>
#include <string>
#include <string_view>

namespace liminal::protocol {

enum class DecodeErrorClass {
  kIncompleteHeader,  // fewer than 10 bytes buffered
  kTruncatedPayload,  // header complete, payload not yet
  kInvalidStream,     // known type on the wrong stream class
  kCodecError,        // anything wrong inside a complete payload
};

struct DecodeError {
  DecodeErrorClass error_class;
  std::string detail;  // short human-readable explanation, e.g. "trailing bytes"

  bool need_more_bytes() const {
    return error_class == DecodeErrorClass::kIncompleteHeader ||
           error_class == DecodeErrorClass::kTruncatedPayload;
  }
};

// "IncompleteHeader", "TruncatedPayload", "InvalidStream", "CodecError".
std::string_view DecodeErrorClassName(DecodeErrorClass error_class);
std::optional<DecodeErrorClass> DecodeErrorClassFromName(std::string_view name);

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_DECODE_ERROR_H_
