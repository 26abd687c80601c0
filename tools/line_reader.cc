#include "tools/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace liminal::tools {

LineReader::LineReader(int fd) : fd_(fd) {
  if (::pipe2(wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) wake_fds_[0] = wake_fds_[1] = -1;
}

LineReader::~LineReader() {
  for (int fd : wake_fds_) {
    if (fd >= 0) ::close(fd);
  }
}

void LineReader::Wake() {
  if (wake_fds_[1] >= 0) (void)!::write(wake_fds_[1], "x", 1);
}

std::optional<std::string> LineReader::TakeLine() {
  const size_t newline = buffer_.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  std::string line = buffer_.substr(0, newline);
  buffer_.erase(0, newline + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> LineReader::Next() {
  while (true) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    // A wake-up wins over buffered lines: the caller asked to stop.
    if (::poll(&fds[1], wake_fds_[0] >= 0 ? 1 : 0, 0) > 0) return std::nullopt;
    if (std::optional<std::string> line = TakeLine()) return line;
    if (eof_) {
      if (buffer_.empty()) return std::nullopt;
      std::string last = std::move(buffer_);
      buffer_.clear();
      if (!last.empty() && last.back() == '\r') last.pop_back();
      return last;
    }
    if (::poll(fds, wake_fds_[0] >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      eof_ = true;
      continue;
    }
    if (fds[1].revents != 0) return std::nullopt;
    if (fds[0].revents == 0) continue;
    char chunk[65536];
    const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      eof_ = true;
    } else {
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }
}

}  // namespace liminal::tools
