// The client's receive buffer: bytes from the socket in, decoded frames out, with a limit on
// the size of any one frame.
//
//   FrameReader reader(/*max_frame_bytes=*/16 << 20);
//   absl::Span<char> space = reader.WritableSpace();
//   size_t n = read(fd, space.data(), space.size());
//   reader.Commit(n);
//   while (true) {
//     absl::StatusOr<std::optional<protocol::Frame>> frame = reader.Next();
//     if (!frame.ok()) { /* malformed or oversize: drop the connection */ }
//     if (!frame->has_value()) break;  // need more bytes
//     Handle(**frame);
//   }
//
// The size limit applies to the whole frame (10-byte header + payload) and is checked as
// soon as the header is buffered, so an oversize frame is refused before its payload is
// read, let alone buffered. WritableSpace() grows the buffer just enough for the frame that
// is being assembled (never past the limit), and reuses space freed by consumed frames.
//
// Thread-safety: not thread-safe; owned by one connection's strand.
#ifndef LIMINAL_CLIENT_FRAME_READER_H_
#define LIMINAL_CLIENT_FRAME_READER_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/protocol/frame.h"

namespace liminal::client {

class FrameReader {
 public:
  static constexpr size_t kDefaultMaxFrameBytes = size_t{16} << 20;  // 16 MiB
  // How much the reader asks the socket for at least, per read.
  static constexpr size_t kReadChunk = size_t{64} << 10;

  explicit FrameReader(size_t max_frame_bytes = kDefaultMaxFrameBytes);

  // Space for the next read. Never empty.
  absl::Span<char> WritableSpace();
  // Marks the first `n` bytes of the last WritableSpace() as filled.
  void Commit(size_t n);

  // The next complete frame, nullopt if more bytes are needed, or an error (DATA_LOSS with
  // a ClientError of kind kProtocol) for a malformed or oversize frame. After an error the
  // reader is poisoned: it returns the same error forever.
  absl::StatusOr<std::optional<protocol::Frame>> Next();

  // Bytes received but not yet consumed as frames.
  size_t buffered_bytes() const { return end_ - begin_; }

 private:
  size_t max_frame_bytes_;
  std::string buffer_;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // one past the last received byte
  absl::Status error_;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_FRAME_READER_H_
