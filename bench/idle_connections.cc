#include "bench/idle_connections.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace liminal::bench {
namespace {

constexpr uint64_t kDoneTag = uint64_t{1} << 63;

absl::Status ErrnoError(std::string_view what, int error) {
  return absl::UnavailableError(absl::StrCat(std::string(what), ": ", std::strerror(error)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<IdleConnections>> IdleConnections::Open(
    const std::string& host, uint16_t port, size_t count, const IdleHandshake& handshake,
    const IdleConnectionOptions& options) {
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return ErrnoError("epoll_create1", errno);
  std::unique_ptr<IdleConnections> connections(new IdleConnections(epoll_fd));
  connections->fds_.reserve(count);
  const absl::Time deadline = absl::Now() + options.timeout;
  const size_t batch = std::max<size_t>(options.batch, 1);
  while (connections->size() < count) {
    const size_t n = std::min(batch, count - connections->size());
    if (absl::Status s = connections->OpenBatch(host, port, n, handshake, deadline); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat(connections->size(), " of ", count,
                                                 " connections established: ", s.message()));
    }
  }
  return connections;
}

IdleConnections::~IdleConnections() {
  for (int fd : fds_) ::close(fd);
  ::close(epoll_fd_);
}

absl::Status IdleConnections::OpenBatch(const std::string& host, uint16_t port, size_t count,
                                        const IdleHandshake& handshake, absl::Time deadline) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("not an IPv4 address: ", host));
  }
  struct Pending {
    int fd = -1;
    bool connected = false;
    bool done = false;
    std::string received;
  };
  const size_t first = fds_.size();
  std::vector<Pending> pending(count);
  for (size_t i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return ErrnoError("socket", errno);
    fds_.push_back(fd);  // owned from here on, closed by the destructor
    pending[i].fd = fd;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 &&
        errno != EINPROGRESS) {
      return ErrnoError(absl::StrCat("connect ", host, ":", port), errno);
    }
    epoll_event event{.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data = {.u64 = first + i}};
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
      return ErrnoError("epoll_ctl", errno);
    }
  }

  size_t remaining = count;
  char buffer[4096];
  std::vector<epoll_event> events(1024);
  while (remaining > 0) {
    const int64_t wait_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (wait_ms <= 0) {
      return absl::DeadlineExceededError(
          absl::StrCat(remaining, " handshakes still incomplete at the deadline"));
    }
    const int ready = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                                   static_cast<int>(std::min<int64_t>(wait_ms, 1000)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("epoll_wait", errno);
    }
    for (int e = 0; e < ready; ++e) {
      const uint64_t tag = events[static_cast<size_t>(e)].data.u64;
      const uint32_t flags = events[static_cast<size_t>(e)].events;
      if ((tag & kDoneTag) != 0) {
        return absl::UnavailableError("the server closed an established idle connection");
      }
      Pending& p = pending[tag - first];
      if (p.done) continue;
      if (!p.connected) {
        int error = 0;
        socklen_t length = sizeof(error);
        ::getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) return ErrnoError(absl::StrCat("connect ", host, ":", port), error);
        if ((flags & EPOLLOUT) == 0) continue;
        p.connected = true;
        const ssize_t written =
            ::send(p.fd, handshake.hello.data(), handshake.hello.size(), MSG_NOSIGNAL);
        if (written != static_cast<ssize_t>(handshake.hello.size())) {
          return ErrnoError("send handshake", written < 0 ? errno : EAGAIN);
        }
        epoll_event event{.events = EPOLLIN | EPOLLRDHUP, .data = {.u64 = tag}};
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, p.fd, &event);
        continue;
      }
      bool closed = false;
      while (true) {
        const ssize_t n = ::recv(p.fd, buffer, sizeof(buffer), 0);
        if (n > 0) {
          p.received.append(buffer, static_cast<size_t>(n));
          continue;
        }
        if (n == 0) closed = true;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return ErrnoError("recv", errno);
        }
        break;
      }
      absl::StatusOr<bool> complete = handshake.complete(p.received);
      if (!complete.ok()) return complete.status();
      if (*complete) {
        p.done = true;
        p.received = std::string();
        --remaining;
        ++established_;
        // From now on only a close by the server is of interest.
        epoll_event event{.events = EPOLLRDHUP, .data = {.u64 = tag | kDoneTag}};
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, p.fd, &event);
      } else if (closed) {
        return absl::UnavailableError(
            absl::StrCat("the server closed the connection during the handshake (",
                         p.received.size(), " bytes received)"));
      }
    }
  }
  return absl::OkStatus();
}

size_t IdleConnections::CountClosedByServer() {
  std::vector<epoll_event> events(1024);
  while (true) {
    const int ready = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 0);
    if (ready <= 0) break;
    for (int e = 0; e < ready; ++e) {
      const uint64_t index = events[static_cast<size_t>(e)].data.u64 & ~kDoneTag;
      // Stop watching it so the next call does not count it again.
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fds_[index], nullptr);
      ++closed_;
    }
  }
  return closed_;
}

}  // namespace liminal::bench
