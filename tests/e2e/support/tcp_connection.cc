#include "tests/e2e/support/tcp_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::e2e {
namespace {

using Clock = std::chrono::steady_clock;

absl::Status Errno(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// Milliseconds left until `deadline` for poll(), never negative.
int RemainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Waits for `events` on `fd`; false on timeout.
absl::StatusOr<bool> PollFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, RemainingMs(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("poll");
    return n > 0;
  }
}

}  // namespace

absl::StatusOr<TcpConnection> TcpConnection::Connect(const config::HostPort& address,
                                                     std::chrono::milliseconds timeout) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(address.port);
    length = sizeof(*v4);
  } else if (::inet_pton(AF_INET6, address.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(address.port);
    length = sizeof(*v6);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("not an IP literal: ", address.host));
  }
  const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  TcpConnection connection(fd);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    if (errno != EINPROGRESS) return Errno(absl::StrCat("connect ", address.ToString()));
    absl::StatusOr<bool> writable = PollFor(fd, POLLOUT, Clock::now() + timeout);
    if (!writable.ok()) return writable.status();
    if (!*writable) {
      return absl::DeadlineExceededError(
          absl::StrCat("connect ", address.ToString(), " timed out"));
    }
    int error = 0;
    socklen_t size = sizeof(error);
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) {
      errno = error;
      return Errno(absl::StrCat("connect ", address.ToString()));
    }
  }
  return connection;
}

TcpConnection::TcpConnection(TcpConnection&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

TcpConnection& TcpConnection::operator=(TcpConnection&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

TcpConnection::~TcpConnection() { Close(); }

void TcpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

absl::Status TcpConnection::Send(absl::string_view bytes, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return Errno("send");
    absl::StatusOr<bool> writable = PollFor(fd_, POLLOUT, deadline);
    if (!writable.ok()) return writable.status();
    if (!*writable) return absl::DeadlineExceededError("send timed out");
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> TcpConnection::ReadSome(std::string& out, Clock::time_point deadline) {
  char buffer[16384];
  while (true) {
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
      return static_cast<size_t>(n);
    }
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return 0;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Errno("recv");
    absl::StatusOr<bool> readable = PollFor(fd_, POLLIN, deadline);
    if (!readable.ok()) return readable.status();
    if (!*readable) return absl::DeadlineExceededError("read timed out");
  }
}

absl::StatusOr<std::string> TcpConnection::ReadUntilClosed(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string out;
  while (true) {
    absl::StatusOr<size_t> n = ReadSome(out, deadline);
    if (!n.ok()) {
      return absl::Status(
          n.status().code(),
          absl::StrCat(n.status().message(), " (peer still open; received so far: '", out, "')"));
    }
    if (*n == 0) return out;
  }
}

absl::StatusOr<std::string> TcpConnection::ReadAtLeast(size_t count,
                                                       std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string out;
  while (out.size() < count) {
    absl::StatusOr<size_t> n = ReadSome(out, deadline);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
  }
  return out;
}

bool TcpConnection::WaitForPeerClose(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string discard;
  while (true) {
    absl::StatusOr<size_t> n = ReadSome(discard, deadline);
    if (!n.ok()) return false;
    if (*n == 0) return true;
    discard.clear();
  }
}

}  // namespace liminal::e2e
