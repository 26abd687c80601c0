#include "client/frame_reader.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/strings/str_format.h"
#include "client/client_error.h"
#include "core/protocol/decode_error.h"
#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_header.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/reason_code.h"

namespace liminal::client {

using protocol::ReasonCode;

FrameReader::FrameReader(size_t max_frame_bytes)
    : max_frame_bytes_(std::max(max_frame_bytes, protocol::kFrameHeaderSize)) {}

absl::Span<char> FrameReader::WritableSpace() {
  // Aim to hold the whole frame being assembled (known once its header is here), and read at
  // least a chunk at a time otherwise.
  size_t wanted = kReadChunk;
  std::string_view pending(buffer_.data() + begin_, end_ - begin_);
  if (std::optional<protocol::FrameHeader> header = protocol::PeekFrameHeader(pending);
      header.has_value() && header->frame_size() <= max_frame_bytes_ &&
      header->frame_size() > pending.size()) {
    wanted = std::max<size_t>(wanted, header->frame_size() - pending.size());
  }
  if (buffer_.size() - end_ < wanted) {
    // Move the unconsumed tail to the front before growing.
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (buffer_.size() - end_ < wanted) buffer_.resize(end_ + wanted);
  }
  return absl::Span<char>(buffer_.data() + end_, buffer_.size() - end_);
}

void FrameReader::Commit(size_t n) { end_ = std::min(end_ + n, buffer_.size()); }

absl::StatusOr<std::optional<protocol::Frame>> FrameReader::Next() {
  if (!error_.ok()) return error_;
  std::string_view pending(buffer_.data() + begin_, end_ - begin_);
  std::optional<protocol::FrameHeader> header = protocol::PeekFrameHeader(pending);
  if (!header.has_value()) return std::nullopt;
  if (header->frame_size() > max_frame_bytes_) {
    error_ = ProtocolError(absl::StrFormat(
        "incoming frame of %u bytes (type 0x%02x, stream %u) exceeds the client limit of %u "
        "bytes",
        header->frame_size(), header->type_id, header->stream_id, max_frame_bytes_));
    return error_;
  }
  if (header->frame_size() > pending.size()) return std::nullopt;

  protocol::DecodeResult result = protocol::DecodeFrame(pending);
  if (!result.ok()) {
    const protocol::DecodeError& error = result.error();
    if (error.need_more_bytes()) return std::nullopt;
    ReasonCode code = error.error_class == protocol::DecodeErrorClass::kInvalidStream
                          ? ReasonCode::kInvalidStream
                          : ReasonCode::kCodecError;
    error_ = ProtocolError(
        absl::StrFormat("malformed frame from server (type 0x%02x, stream %u): %s: %s",
                        header->type_id, header->stream_id,
                        protocol::DecodeErrorClassName(error.error_class), error.detail),
        protocol::ToWire(code));
    return error_;
  }
  begin_ += result.consumed();
  if (begin_ == end_) {
    begin_ = end_ = 0;
    // Give back the memory of an exceptionally large frame once it has been consumed.
    if (buffer_.size() > 4 * kReadChunk) std::string().swap(buffer_);
  }
  return std::move(result).frame();
}

}  // namespace liminal::client
