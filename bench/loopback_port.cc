#include "bench/loopback_port.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace liminal::bench {
namespace {

absl::StatusOr<sockaddr_in> MakeAddress(const std::string& host, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("not an IPv4 address: ", host));
  }
  return address;
}

}  // namespace

absl::StatusOr<uint16_t> ReserveFreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  absl::StatusOr<sockaddr_in> address = MakeAddress("127.0.0.1", 0);
  socklen_t length = sizeof(*address);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof(*address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&*address), &length) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::InternalError(absl::StrCat("bind 127.0.0.1:0: ", std::strerror(error)));
  }
  ::close(fd);
  return ntohs(address->sin_port);
}

absl::Status ProbeConnect(const std::string& host, uint16_t port, absl::Duration timeout) {
  absl::StatusOr<sockaddr_in> address = MakeAddress(host, port);
  if (!address.ok()) return address.status();
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  int error = 0;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&*address), sizeof(*address)) != 0) {
    error = errno;
    if (error == EINPROGRESS) {
      pollfd pfd{.fd = fd, .events = POLLOUT, .revents = 0};
      const int ready = ::poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
      socklen_t length = sizeof(error);
      if (ready == 1) {
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
      } else {
        error = ETIMEDOUT;
      }
    }
  }
  ::close(fd);
  if (error != 0) {
    return absl::UnavailableError(
        absl::StrCat("connect ", host, ":", port, ": ", std::strerror(error)));
  }
  return absl::OkStatus();
}

}  // namespace liminal::bench
