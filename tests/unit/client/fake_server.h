// A scripted stand-in for liminald, for client tests: an Asio acceptor on 127.0.0.1 (port 0)
// that decodes what the client sends with the real codec and answers per a script.
//
//   FakeServer server([](FakeSession& session, const protocol::Frame& frame) {
//     if (AnswerHandshake(session, frame)) return;        // Connect → ConnectAck 1.0
//     if (std::holds_alternative<protocol::Publish>(frame.body)) {
//       session.Send(protocol::MakeFrame(protocol::PublishAck{7}, frame.stream_id));
//     }
//   });
//   auto client = BlockingClient::Connect("127.0.0.1", server.port(), {});
//   std::shared_ptr<FakeSession> session = server.WaitForSession(kTimeout);
//   std::optional<protocol::Frame> publish = session->NextFrameOf<protocol::Publish>(kTimeout);
//   session->Send(...);     // server-initiated frames (Push, Deliver, Disconnect) from the test
//   session->Close();       // drop the connection
//
// The script runs on the server's I/O thread for every frame, before the frame is queued for
// the test to inspect; it must not block. Every wait takes a timeout and returns as soon as
// the event happens (no sleeping, no polling).
//
// Thread-safety: FakeServer and FakeSession methods are thread-safe.
#ifndef LIMINAL_TESTS_UNIT_CLIENT_FAKE_SERVER_H_
#define LIMINAL_TESTS_UNIT_CLIENT_FAKE_SERVER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_stream.h"

namespace liminal::client::test_support {

class FakeSession;

// Handles one decoded client frame on the server's I/O thread.
using FakeScript = std::function<void(FakeSession&, const protocol::Frame&)>;

// Answers Connect with ConnectAck 1.0 and Ping with Pong; returns true if it handled `frame`.
bool AnswerHandshake(FakeSession& session, const protocol::Frame& frame);

class FakeSession : public std::enable_shared_from_this<FakeSession> {
 public:
  FakeSession(boost::asio::ip::tcp::socket socket, FakeScript script);

  // Encodes and writes `frame` (after anything written before).
  void Send(const protocol::Frame& frame);
  // Writes raw bytes, for malformed or oversize input.
  void SendRaw(std::string bytes);
  // Closes the socket (after pending writes are flushed).
  void Close();

  // The next frame the client sent, in order, or nullopt after `timeout`.
  std::optional<protocol::Frame> NextFrame(absl::Duration timeout);
  // Like NextFrame, but skips (drops) frames of other types.
  template <typename Body>
  std::optional<protocol::Frame> NextFrameOf(absl::Duration timeout);
  // Frames received and not yet taken.
  size_t queued_frames() const;

  // True once the client closed its side (EOF or reset), waiting up to `timeout`.
  bool WaitForClientClose(absl::Duration timeout);

  void Start();

 private:
  friend class FakeServer;
  // I/O thread only: closes the socket at once, dropping unwritten bytes.
  void CloseNow();

  void ReadMore();
  void WriteMore();

  boost::asio::ip::tcp::socket socket_;
  FakeScript script_;
  // I/O-thread state.
  protocol::FrameStream inbound_{protocol::FrameStream::kNoLimit};
  std::string outbound_;
  std::string writing_;
  bool close_after_write_ = false;

  mutable absl::Mutex mu_;
  std::deque<protocol::Frame> frames_ ABSL_GUARDED_BY(mu_);
  bool client_closed_ ABSL_GUARDED_BY(mu_) = false;
};

class FakeServer {
 public:
  explicit FakeServer(FakeScript script = AnswerHandshake);
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;
  ~FakeServer();

  uint16_t port() const { return port_; }

  // The next accepted connection, in accept order, or nullptr after `timeout`.
  std::shared_ptr<FakeSession> WaitForSession(absl::Duration timeout);

 private:
  void AcceptMore();

  FakeScript script_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::vector<std::shared_ptr<FakeSession>> all_sessions_;  // I/O thread only
  std::thread thread_;

  absl::Mutex mu_;
  std::deque<std::shared_ptr<FakeSession>> sessions_ ABSL_GUARDED_BY(mu_);
};

template <typename Body>
std::optional<protocol::Frame> FakeSession::NextFrameOf(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    std::optional<protocol::Frame> frame = NextFrame(deadline - absl::Now());
    if (!frame.has_value()) return std::nullopt;
    if (std::holds_alternative<Body>(frame->body)) return frame;
  }
}

}  // namespace liminal::client::test_support

#endif  // LIMINAL_TESTS_UNIT_CLIENT_FAKE_SERVER_H_
