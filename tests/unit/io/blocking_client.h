// BlockingClient: the far end of a real loopback TCP connection for the io tests, written
// with plain POSIX calls so it shares nothing with the code under test. Every wait has a
// deadline (poll(2)), so a broken runtime fails the test instead of hanging it.
//
//   absl::StatusOr<BlockingClient> client = BlockingClient::Connect(listener->LocalAddress());
//   ASSERT_TRUE(client->WriteAll("ping"));
//   absl::StatusOr<std::string> echo = client->ReadExactly(4);
//   BlockingClient::End end = client->ReadToEnd();   // bytes until EOF, reset or timeout
//
// MakeLoopbackPair() builds a connected pair without any runtime: the server end comes back
// as a raw descriptor to wrap in an asio socket.
//
// Thread-compatible: one thread at a time, except that WriteAll and the reads may run on
// two different threads.
#ifndef LIMINAL_TESTS_UNIT_IO_BLOCKING_CLIENT_H_
#define LIMINAL_TESTS_UNIT_IO_BLOCKING_CLIENT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_stream.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io::testing {

class BlockingClient {
 public:
  // `host_port` as "127.0.0.1:4242" (IPv4 only).
  static absl::StatusOr<BlockingClient> Connect(const std::string& host_port);
  // A client whose socket exists but is not connected yet (see ConnectTo).
  static BlockingClient Unconnected();
  absl::Status ConnectTo(const std::string& host_port, absl::Duration timeout = kEventTimeout);

  explicit BlockingClient(int fd);
  BlockingClient(BlockingClient&& other) noexcept;
  BlockingClient& operator=(BlockingClient&& other) noexcept;
  ~BlockingClient();

  bool WriteAll(std::string_view bytes, absl::Duration timeout = kEventTimeout);
  absl::StatusOr<std::string> ReadExactly(size_t n, absl::Duration timeout = kEventTimeout);
  // Reads and decodes one frame (buffering any bytes that follow it).
  absl::StatusOr<protocol::Frame> ReadFrame(absl::Duration timeout = kEventTimeout);
  bool WriteFrame(const protocol::Frame& frame);

  struct End {
    std::string bytes;  // everything read until the end
    bool eof = false;
    bool reset = false;
    bool timed_out = false;
  };
  // Reads until EOF, an error (reset) or the timeout.
  End ReadToEnd(absl::Duration timeout = kEventTimeout);

  void ShutdownWrite();
  // Closes with SO_LINGER {on, 0}: the peer gets a RST instead of a FIN.
  void Reset();
  void Close();
  void SetReceiveBuffer(int bytes);
  int fd() const { return fd_; }

 private:
  // Waits for `events` on the socket; false on timeout.
  bool Poll(short events, absl::Time deadline);

  int fd_ = -1;
  protocol::FrameStream inbound_{protocol::FrameStream::kNoLimit};  // read past the last frame
};

struct LoopbackPair {
  int server_fd;
  BlockingClient client;
};
// Listens on 127.0.0.1:0, connects and accepts, then closes the listening socket.
LoopbackPair MakeLoopbackPair();

}  // namespace liminal::io::testing

#endif  // LIMINAL_TESTS_UNIT_IO_BLOCKING_CLIENT_H_
