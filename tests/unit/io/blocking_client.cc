#include "tests/unit/io/blocking_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/protocol/frame_encoder.h"

namespace liminal::io::testing {
namespace {

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "blocking_client: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

}  // namespace

absl::StatusOr<BlockingClient> BlockingClient::Connect(const std::string& host_port) {
  BlockingClient client = Unconnected();
  if (absl::Status status = client.ConnectTo(host_port); !status.ok()) return status;
  return client;
}

BlockingClient BlockingClient::Unconnected() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die("socket");
  return BlockingClient(fd);
}

absl::Status BlockingClient::ConnectTo(const std::string& host_port, absl::Duration timeout) {
  const size_t colon = host_port.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(host_port).substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("bad address ", host_port));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("not an IPv4 address: ", host_port));
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS) {
      return absl::UnavailableError(
          absl::StrCat("connect ", host_port, ": ", std::strerror(errno)));
    }
    if (!Poll(POLLOUT, absl::Now() + timeout)) {
      return absl::DeadlineExceededError(absl::StrCat("connect ", host_port, ": timed out"));
    }
    int error = 0;
    socklen_t len = sizeof error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) {
      return absl::UnavailableError(
          absl::StrCat("connect ", host_port, ": ", std::strerror(error)));
    }
  }
  return absl::OkStatus();
}

BlockingClient::BlockingClient(int fd) : fd_(fd) { SetNonBlocking(fd_); }

BlockingClient::BlockingClient(BlockingClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), inbound_(std::move(other.inbound_)) {}

BlockingClient& BlockingClient::operator=(BlockingClient&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    inbound_ = std::move(other.inbound_);
  }
  return *this;
}

BlockingClient::~BlockingClient() { Close(); }

bool BlockingClient::Poll(short events, absl::Time deadline) {
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    pollfd p{fd_, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
  }
}

bool BlockingClient::WriteAll(std::string_view bytes, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!Poll(POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> BlockingClient::ReadExactly(size_t n, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string out = inbound_.TakeBuffered();
  char chunk[65536];
  while (out.size() < n) {
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got > 0) {
      out.append(chunk, static_cast<size_t>(got));
    } else if (got == 0) {
      return absl::UnavailableError(absl::StrCat("EOF after ", out.size(), " of ", n, " bytes"));
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!Poll(POLLIN, deadline)) {
        return absl::DeadlineExceededError(
            absl::StrCat("timed out after ", out.size(), " of ", n, " bytes"));
      }
    } else {
      return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(errno)));
    }
  }
  inbound_.Append(std::string_view(out).substr(n));
  out.resize(n);
  return out;
}

absl::StatusOr<protocol::Frame> BlockingClient::ReadFrame(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  char chunk[65536];
  for (;;) {
    if (std::optional<protocol::Frame> frame = inbound_.Next()) return *std::move(frame);
    if (const protocol::FrameStreamError* error = inbound_.error()) {
      return absl::DataLossError(error->Describe());
    }
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got > 0) {
      inbound_.Append(std::string_view(chunk, static_cast<size_t>(got)));
    } else if (got == 0) {
      return absl::UnavailableError("EOF before a complete frame");
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!Poll(POLLIN, deadline)) return absl::DeadlineExceededError("no frame in time");
    } else {
      return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(errno)));
    }
  }
}

bool BlockingClient::WriteFrame(const protocol::Frame& frame) {
  std::string bytes;
  if (!protocol::EncodeFrame(frame, bytes).ok()) return false;
  return WriteAll(bytes);
}

BlockingClient::End BlockingClient::ReadToEnd(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  End end;
  end.bytes = inbound_.TakeBuffered();
  char chunk[65536];
  for (;;) {
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got > 0) {
      end.bytes.append(chunk, static_cast<size_t>(got));
    } else if (got == 0) {
      end.eof = true;
      return end;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!Poll(POLLIN, deadline)) {
        end.timed_out = true;
        return end;
      }
    } else {
      end.reset = true;
      return end;
    }
  }
}

void BlockingClient::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

void BlockingClient::Reset() {
  if (fd_ < 0) return;
  linger abort{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  Close();
}

void BlockingClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void BlockingClient::SetReceiveBuffer(int bytes) {
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

LoopbackPair MakeLoopbackPair() {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("bind");
  if (::listen(listener, 1) != 0) Die("listen");
  if (::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) Die("getsockname");
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (client < 0) Die("socket");
  if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("connect");
  const int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (server < 0) Die("accept");
  ::close(listener);
  return LoopbackPair{server, BlockingClient(client)};
}

}  // namespace liminal::io::testing
