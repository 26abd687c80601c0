#include "core/protocol/decode_error.h"

namespace liminal::protocol {

std::string_view DecodeErrorClassName(DecodeErrorClass error_class) {
  switch (error_class) {
    case DecodeErrorClass::kIncompleteHeader:
      return "IncompleteHeader";
    case DecodeErrorClass::kTruncatedPayload:
      return "TruncatedPayload";
    case DecodeErrorClass::kInvalidStream:
      return "InvalidStream";
    case DecodeErrorClass::kCodecError:
      return "CodecError";
  }
  return "CodecError";  // unreachable for valid enumerators
}

std::optional<DecodeErrorClass> DecodeErrorClassFromName(std::string_view name) {
  for (DecodeErrorClass error_class :
       {DecodeErrorClass::kIncompleteHeader, DecodeErrorClass::kTruncatedPayload,
        DecodeErrorClass::kInvalidStream, DecodeErrorClass::kCodecError}) {
    if (DecodeErrorClassName(error_class) == name) return error_class;
  }
  return std::nullopt;
}

}  // namespace liminal::protocol
