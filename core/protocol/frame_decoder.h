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
#include <optional>
#include <string_view>
#include <variant>

#include "core/protocol/decode_error.h"
#include "core/protocol/frame.h"

namespace liminal::protocol {

// The frame is decoded in place, inside the result: a decoded body is never moved
// between temporaries on its way to the caller.
class DecodeResult {
 public:
  DecodeResult(Frame frame, size_t consumed) : frame_(std::move(frame)), consumed_(consumed) {}
  DecodeResult(DecodeError error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  // Precondition: ok().
  const Frame& frame() const& { return frame_; }
  Frame&& frame() && { return std::move(frame_); }
  Frame& mutable_frame() { return frame_; }
  size_t consumed() const { return consumed_; }
  // Precondition: !ok().
  const DecodeError& error() const { return *error_; }

 private:
  friend DecodeResult DecodeFrame(std::string_view bytes);
  DecodeResult() = default;

  Frame frame_;
  size_t consumed_ = 0;
  std::optional<DecodeError> error_;
};

// Decodes the first frame in `bytes`. Bytes after it are left for the next call.
DecodeResult DecodeFrame(std::string_view bytes);

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_FRAME_DECODER_H_
