#include "core/protocol/frame_stream.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/check/check.h"
#include "core/protocol/frame_decoder.h"

namespace liminal::protocol {
namespace {

// Once everything is decoded, a buffer that grew past this (for an exceptionally large
// frame) is given back instead of being kept for the next reads.
constexpr size_t kKeepBufferBytes = size_t{256} << 10;

}  // namespace

ReasonCode ReasonFor(DecodeErrorClass error_class) {
  return error_class == DecodeErrorClass::kInvalidStream ? ReasonCode::kInvalidStream
                                                         : ReasonCode::kCodecError;
}

ReasonCode FrameStreamError::reason() const {
  return oversize() ? ReasonCode::kCodecError : ReasonFor(decode->error_class);
}

std::string FrameStreamError::Describe() const {
  if (oversize()) {
    return absl::StrCat("frame of ", header.frame_size(), " bytes exceeds max_frame_bytes (",
                        max_frame_bytes, ")");
  }
  return absl::StrCat("malformed frame: ", std::string(DecodeErrorClassName(decode->error_class)),
                      ": ", decode->detail);
}

FrameStream::FrameStream(uint64_t max_frame_bytes)
    : max_frame_bytes_(std::max<uint64_t>(max_frame_bytes, kFrameHeaderSize)) {}

void FrameStream::Append(std::string&& bytes) {
  if (bytes.empty()) return;
  // Adopt the read whole. Undecoded bytes (usually the start of a frame that goes on in
  // `bytes`) move to the carry, so only they are copied, never the new read.
  if (begin_ != end_) carry_.append(pending());
  buffer_ = std::move(bytes);
  begin_ = 0;
  end_ = buffer_.size();
}

void FrameStream::Append(std::string_view bytes) {
  if (bytes.empty()) return;
  if (buffer_.size() - end_ < bytes.size()) {
    Compact();
    if (buffer_.size() - end_ < bytes.size()) buffer_.resize(end_ + bytes.size());
  }
  std::memcpy(buffer_.data() + end_, bytes.data(), bytes.size());
  end_ += bytes.size();
}

std::optional<FrameHeader> FrameStream::FirstHeader() const {
  if (carried().empty()) return PeekFrameHeader(pending());
  return PeekFrameHeader(carried());
}

absl::Span<char> FrameStream::WritableSpace(size_t min_chunk) {
  size_t wanted = std::max<size_t>(min_chunk, 1);
  // Room for the whole frame being assembled, once its header says how big it is.
  if (std::optional<FrameHeader> header = FirstHeader(); header.has_value() &&
                                                         header->frame_size() <= max_frame_bytes_ &&
                                                         header->frame_size() > buffered_bytes()) {
    wanted = std::max<size_t>(wanted, static_cast<size_t>(header->frame_size() - buffered_bytes()));
  }
  if (buffer_.size() - end_ < wanted) {
    Compact();
    if (buffer_.size() - end_ < wanted) buffer_.resize(end_ + wanted);
  }
  return absl::Span<char>(buffer_.data() + end_, buffer_.size() - end_);
}

void FrameStream::Commit(size_t n) { end_ = std::min(end_ + n, buffer_.size()); }

std::string FrameStream::TakeBuffered() {
  std::string taken(carried());
  taken.append(pending());
  carry_.clear();
  carry_begin_ = 0;
  begin_ = end_ = 0;
  buffer_.clear();
  return taken;
}

void FrameStream::Compact() {
  if (begin_ == 0) return;
  std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
}

void FrameStream::CarryFromBuffer(size_t n) {
  n = std::min(n, end_ - begin_);
  carry_.append(buffer_, begin_, n);
  begin_ += n;
}

std::optional<Frame> FrameStream::Next() {
  if (error_.has_value()) return std::nullopt;
  if (carried().empty()) {
    std::optional<Frame> frame = DecodeFirst(pending(), begin_);
    if (begin_ == end_) {
      begin_ = end_ = 0;
      if (buffer_.size() > kKeepBufferBytes) std::string().swap(buffer_);
    }
    return frame;
  }
  // The first frame starts in the carry: move into it what the frame still lacks from the
  // buffer (its header first, then the rest, never past an oversize frame's header).
  if (carried().size() < kFrameHeaderSize) CarryFromBuffer(kFrameHeaderSize - carried().size());
  if (std::optional<FrameHeader> header = PeekFrameHeader(carried());
      header.has_value() && header->frame_size() <= max_frame_bytes_ &&
      header->frame_size() > carried().size()) {
    carry_.reserve(carry_begin_ + static_cast<size_t>(header->frame_size()));
    CarryFromBuffer(static_cast<size_t>(header->frame_size()) - carried().size());
  }
  std::optional<Frame> frame = DecodeFirst(carried(), carry_begin_);
  if (carry_begin_ == carry_.size()) {
    carry_begin_ = 0;
    carry_.clear();
    if (carry_.capacity() > kKeepBufferBytes) std::string().swap(carry_);
  }
  return frame;
}

std::optional<Frame> FrameStream::DecodeFirst(std::string_view bytes, size_t& consumed) {
  const std::optional<FrameHeader> header = PeekFrameHeader(bytes);
  if (!header.has_value()) return std::nullopt;
  // The limit is decided from the header alone, before any of the payload is waited for.
  if (header->frame_size() > max_frame_bytes_) {
    error_ = FrameStreamError{*header, max_frame_bytes_, std::nullopt};
    return std::nullopt;
  }
  if (header->frame_size() > bytes.size()) return std::nullopt;  // TruncatedPayload
  DecodeResult result = DecodeFrame(bytes);
  if (!result.ok()) {
    LIMINAL_CHECK(!result.error().need_more_bytes(), "a complete frame never needs more bytes");
    error_ = FrameStreamError{*header, max_frame_bytes_, result.error()};
    return std::nullopt;
  }
  consumed += result.consumed();
  return std::move(result).frame();
}

}  // namespace liminal::protocol
