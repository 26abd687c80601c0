// A frame stream: the one receive path for wire bytes (wire-protocol.md §1.2), used by the
// server's connection process, the client library, the simulation's clients and every test
// peer. It owns the input buffer, peeks each frame's header, refuses a frame larger than
// the configured limit as soon as its header is here (before any of its payload is
// buffered), decodes complete frames one at a time, and maps a decode failure to the reason
// code the server sends (§5): InvalidStream for a frame on the wrong stream class,
// CodecError for everything else, oversize frames included.
//
//   FrameStream stream(/*max_frame_bytes=*/16 << 20);
//   stream.Append(std::move(bytes_from_socket));       // adopted without a copy
//   while (std::optional<Frame> frame = stream.Next()) Handle(*frame);
//   if (const FrameStreamError* error = stream.error()) {
//     Fail(error->reason(), error->Describe());       // the stream stays failed from now on
//   }
//
// A reader that reads straight into the buffer uses WritableSpace()/Commit() instead of
// Append(). Bytes are copied at most once on their way in. A read handed over by
// Append(std::string&&) is adopted whole; the bytes still undecoded before it (typically
// the start of a frame it completes) go to a carry buffer, and that one frame is assembled
// there, so a frame that straddles two reads is the only thing copied. The buffer is
// compacted lazily, only when space is needed. buffered_bytes() never exceeds what was
// appended minus what was decoded, and once a header is here the stream never asks for
// (WritableSpace) or carries more than the frame it announces, within the limit.
//
// Not thread-safe: one owner (a process, a strand, a fiber).
#ifndef LIMINAL_CORE_PROTOCOL_FRAME_STREAM_H_
#define LIMINAL_CORE_PROTOCOL_FRAME_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "core/protocol/decode_error.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_header.h"
#include "core/protocol/reason_code.h"

namespace liminal::protocol {

// The reason code a server answers a decode failure with (ConnectError, wire §5).
ReasonCode ReasonFor(DecodeErrorClass error_class);

// Why a frame stream cannot go on. Either the frame announced by `header` is larger than
// the limit (oversize; `decode` is empty), or it is complete and malformed.
struct FrameStreamError {
  FrameHeader header;
  uint64_t max_frame_bytes = 0;
  std::optional<DecodeError> decode;  // set for malformed frames; never "need more bytes"

  bool oversize() const { return !decode.has_value(); }
  // CodecError for oversize frames; ReasonFor(decode class) otherwise.
  ReasonCode reason() const;
  // The server's ConnectError text: "frame of N bytes exceeds max_frame_bytes (M)" or
  // "malformed frame: CLASS: detail".
  std::string Describe() const;
};

class FrameStream {
 public:
  // The largest frame the wire format can express: no limit at all.
  static constexpr uint64_t kNoLimit = kFrameHeaderSize + uint64_t{UINT32_MAX};

  // `max_frame_bytes` counts the 10-byte header; values below it are raised to it.
  explicit FrameStream(uint64_t max_frame_bytes);

  // Input, by hand-over: `bytes` is adopted as the buffer (undecoded bytes before it move
  // to the carry).
  void Append(std::string&& bytes);
  void Append(std::string_view bytes);
  // Input, by reading in place: space for at least `min_chunk` bytes (more when the frame
  // being assembled needs it, never past the limit), then Commit(n) of what was written.
  absl::Span<char> WritableSpace(size_t min_chunk);
  void Commit(size_t n);

  // The next complete frame; nullopt when more bytes are needed or the stream has failed.
  std::optional<Frame> Next();

  // Hands the undecoded bytes back (for a reader that switches to raw bytes) and empties
  // the buffer.
  std::string TakeBuffered();

  // Non-null once the stream has failed; every later Next() returns nullopt.
  const FrameStreamError* error() const { return error_.has_value() ? &*error_ : nullptr; }
  // Bytes received and not yet decoded.
  size_t buffered_bytes() const { return carried().size() + (end_ - begin_); }
  uint64_t max_frame_bytes() const { return max_frame_bytes_; }

 private:
  std::string_view pending() const {
    return std::string_view(buffer_).substr(begin_, end_ - begin_);
  }
  std::string_view carried() const { return std::string_view(carry_).substr(carry_begin_); }
  // The header of the first undecoded frame, when all of it is here.
  std::optional<FrameHeader> FirstHeader() const;
  // Moves the undecoded bytes to the front of the buffer.
  void Compact();
  // Moves up to `n` undecoded bytes from the buffer's front to the carry's end.
  void CarryFromBuffer(size_t n);
  // Decodes the frame at the start of `bytes` and adds its size to `consumed`; nullopt when
  // it is incomplete, or when it fails the stream (error_ set).
  std::optional<Frame> DecodeFirst(std::string_view bytes, size_t& consumed);

  uint64_t max_frame_bytes_;
  // The undecoded input is carried() followed by pending().
  std::string carry_;       // the start of a frame that straddles two adopted reads
  size_t carry_begin_ = 0;  // first undecoded byte of carry_
  std::string buffer_;
  size_t begin_ = 0;  // first undecoded byte
  size_t end_ = 0;    // one past the last received byte; buffer_.size() >= end_
  std::optional<FrameStreamError> error_;
};

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_FRAME_STREAM_H_
