// Decoding one frame from the front of a byte buffer (wire-protocol.md §1.2).
//
//   DecodeResult r = DecodeFrame(buffer);
//   if (r.ok()) { Handle(r.frame()); buffer.remove_prefix(r.consumed()); }
//   else if (r.error().need_more_bytes()) { /* wait for more */ }
//   else { /* malformed: r.error().error_class, r.error().detail */ }
//
// Never throws, never reads outside `bytes`, never allocates in proportion to an
// attacker-controlled count.
#ifndef LIMINAL_CORE_PROTOCOL_FRAME_DECODER_H_
#define LIMINAL_CORE_PROTOCOL_FRAME_DECODER_H_

#include <cstddef>
#include <string_view>
#include <variant>

#include "core/protocol/decode_error.h"
#include "core/protocol/frame.h"

namespace liminal::protocol {

class DecodeResult {
 public:
  DecodeResult(Frame frame, size_t consumed) : value_(Decoded{std::move(frame), consumed}) {}
  DecodeResult(DecodeError error) : value_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<Decoded>(value_); }
  // Precondition: ok().
  const Frame& frame() const& { return std::get<Decoded>(value_).frame; }
  Frame&& frame() && { return std::move(std::get<Decoded>(value_).frame); }
  size_t consumed() const { return std::get<Decoded>(value_).consumed; }
  // Precondition: !ok().
  const DecodeError& error() const { return std::get<DecodeError>(value_); }

 private:
  struct Decoded {
    Frame frame;
    size_t consumed;
  };
  std::variant<Decoded, DecodeError> value_;
};

// Decodes the first frame in `bytes`. Bytes after it are left for the next call.
DecodeResult DecodeFrame(std::string_view bytes);

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_FRAME_DECODER_H_
