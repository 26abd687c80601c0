// TcpConnection: a blocking loopback TCP client for end-to-end tests, where every operation
// takes a deadline (poll-based; nothing sleeps). Use it to send raw bytes (protocol frames,
// malformed HTTP) or to hold a connection open silently.
//
//   absl::StatusOr<TcpConnection> c = TcpConnection::Connect({"127.0.0.1", port}, 2s);
//   ASSERT_TRUE(c.ok()) << c.status();
//   ASSERT_TRUE(c->Send("GET /health HTTP/1.1\r\n\r\n", 2s).ok());
//   absl::StatusOr<std::string> reply = c->ReadUntilClosed(2s);   // until the peer closes
//   c->ReadAtLeast(10, 2s);                                        // or until 10 bytes arrived
#ifndef LIMINAL_TESTS_E2E_SUPPORT_TCP_CONNECTION_H_
#define LIMINAL_TESTS_E2E_SUPPORT_TCP_CONNECTION_H_

#include <chrono>
#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/config/host_port.h"

namespace liminal::e2e {

class TcpConnection {
 public:
  // `address.host` must be an IPv4 or IPv6 literal.
  static absl::StatusOr<TcpConnection> Connect(const config::HostPort& address,
                                               std::chrono::milliseconds timeout);

  TcpConnection(TcpConnection&& other) noexcept;
  TcpConnection& operator=(TcpConnection&& other) noexcept;
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;
  ~TcpConnection();

  absl::Status Send(absl::string_view bytes, std::chrono::milliseconds timeout);

  // Reads until the peer closes; DEADLINE_EXCEEDED (with what arrived so far in the message)
  // if it has not closed within `timeout`.
  absl::StatusOr<std::string> ReadUntilClosed(std::chrono::milliseconds timeout);

  // Reads until at least `count` bytes arrived (returns all of them) or the peer closed
  // (returns what arrived, possibly fewer); DEADLINE_EXCEEDED after `timeout`.
  absl::StatusOr<std::string> ReadAtLeast(size_t count, std::chrono::milliseconds timeout);

  // True once the peer has closed (EOF or reset) within `timeout`; data that arrives
  // meanwhile is discarded.
  bool WaitForPeerClose(std::chrono::milliseconds timeout);

  void Close();
  int fd() const { return fd_; }

 private:
  explicit TcpConnection(int fd) : fd_(fd) {}
  // Appends whatever arrives before `deadline`; returns the byte count, 0 once closed.
  absl::StatusOr<size_t> ReadSome(std::string& out, std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
};

}  // namespace liminal::e2e

#endif  // LIMINAL_TESTS_E2E_SUPPORT_TCP_CONNECTION_H_
