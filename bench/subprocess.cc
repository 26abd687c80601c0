#include "bench/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace liminal::bench {
namespace {

constexpr size_t kMaxKeptLines = 2000;

absl::Status ErrnoError(std::string_view what, int error) {
  return absl::InternalError(absl::StrCat(std::string(what), ": ", std::strerror(error)));
}

int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

int PidfdSendSignal(int pidfd, int signal_number) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, signal_number, nullptr, 0));
}

void CloseIfOpen(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Spawn(const SubprocessOptions& options) {
  // Everything the child needs is prepared before fork(): after it, only async-signal-safe
  // calls are allowed.
  std::vector<std::string> argv_storage;
  argv_storage.push_back(options.binary);
  argv_storage.insert(argv_storage.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const char* working_dir = options.working_dir ? options.working_dir->c_str() : nullptr;

  int out_pipe[2];
  int err_pipe[2];
  int exec_pipe[2];  // carries errno when execv fails; closed by a successful exec
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  const int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork", errno);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(dev_null, STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    if (working_dir != nullptr && ::chdir(working_dir) != 0) {
      const int error = errno;
      (void)!::write(exec_pipe[1], &error, sizeof(error));
      ::_exit(127);
    }
    ::execv(argv[0], argv.data());
    const int error = errno;
    (void)!::write(exec_pipe[1], &error, sizeof(error));
    ::_exit(127);
  }

  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(exec_pipe[1]);
  if (dev_null >= 0) ::close(dev_null);
  int exec_error = 0;
  ssize_t n;
  do {
    n = ::read(exec_pipe[0], &exec_error, sizeof(exec_error));
  } while (n < 0 && errno == EINTR);
  ::close(exec_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof(exec_error))) {
    ::waitpid(pid, nullptr, 0);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return absl::NotFoundError(
        absl::StrCat("cannot run ", options.binary, ": ", std::strerror(exec_error)));
  }

  const int pidfd = PidfdOpen(pid);
  const int wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (pidfd < 0 || wake_fd < 0) {
    const int error = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return ErrnoError("pidfd_open/eventfd", error);
  }
  return std::unique_ptr<Subprocess>(
      new Subprocess(pid, pidfd, out_pipe[0], err_pipe[0], wake_fd, options.counted_needles));
}

Subprocess::Subprocess(pid_t pid, int pidfd, int out_fd, int err_fd, int wake_fd,
                       std::vector<std::string> counted_needles)
    : pid_(pid),
      pidfd_(pidfd),
      wake_fd_(wake_fd),
      counted_needles_(std::move(counted_needles)),
      out_fd_(out_fd),
      err_fd_(err_fd) {
  reader_ = std::thread([this] { ReadLoop(); });
}

Subprocess::~Subprocess() {
  if (running()) {
    PidfdSendSignal(pidfd_, SIGKILL);
    WaitForExit(absl::Seconds(10));
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
  if (reader_.joinable()) reader_.join();
  {
    absl::MutexLock lock(&mu_);
    if (!reaped_) ::waitpid(pid_, nullptr, 0);
    CloseIfOpen(out_fd_);
    CloseIfOpen(err_fd_);
  }
  ::close(pidfd_);
  ::close(wake_fd_);
}

void Subprocess::AppendOutput(std::string& partial, const char* data, size_t size) {
  partial.append(data, size);
  size_t start = 0;
  for (size_t newline = partial.find('\n'); newline != std::string::npos;
       newline = partial.find('\n', start)) {
    lines_.push_back(partial.substr(start, newline - start));
    start = newline + 1;
    for (const std::string& needle : counted_needles_) {
      if (lines_.back().find(needle) == std::string::npos) continue;
      ++counted_.count;
      if (counted_.first.size() < kKeptCountedLines) counted_.first.push_back(lines_.back());
      break;
    }
  }
  partial.erase(0, start);
  while (lines_.size() > kMaxKeptLines) {
    lines_.pop_front();
    ++first_line_number_;
  }
}

void Subprocess::ReadLoop() {
  std::string out_partial;
  std::string err_partial;
  char buffer[16384];
  bool child_exited = false;
  while (true) {
    pollfd fds[4];
    nfds_t count = 0;
    int out_fd;
    int err_fd;
    {
      absl::MutexLock lock(&mu_);
      out_fd = out_fd_;
      err_fd = err_fd_;
    }
    fds[count++] = {.fd = wake_fd_, .events = POLLIN, .revents = 0};
    fds[count++] = {.fd = child_exited ? -1 : pidfd_, .events = POLLIN, .revents = 0};
    fds[count++] = {.fd = out_fd, .events = POLLIN, .revents = 0};
    fds[count++] = {.fd = err_fd, .events = POLLIN, .revents = 0};
    if (out_fd < 0 && err_fd < 0 && child_exited) return;
    if (::poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    for (int i : {2, 3}) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      absl::MutexLock lock(&mu_);
      if (n <= 0) {
        std::string& partial = i == 2 ? out_partial : err_partial;
        if (!partial.empty()) AppendOutput(partial, "\n", 1);
        CloseIfOpen(i == 2 ? out_fd_ : err_fd_);
      } else {
        AppendOutput(i == 2 ? out_partial : err_partial, buffer, static_cast<size_t>(n));
      }
    }
    if (fds[1].fd >= 0 && fds[1].revents != 0) {
      child_exited = true;
      absl::MutexLock lock(&mu_);
      ::waitpid(pid_, nullptr, 0);
      reaped_ = true;
      exited_ = true;
    }
  }
}

bool Subprocess::running() const {
  absl::MutexLock lock(&mu_);
  return !exited_;
}

bool Subprocess::WaitForExit(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&exited_), timeout);
}

absl::StatusOr<std::string> Subprocess::WaitForLine(std::string_view needle,
                                                    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (true) {
    if (scanned_ < first_line_number_) scanned_ = first_line_number_;
    for (; scanned_ < first_line_number_ + lines_.size(); ++scanned_) {
      const std::string& line = lines_[scanned_ - first_line_number_];
      if (line.find(needle) != std::string::npos) {
        ++scanned_;
        return line;
      }
    }
    // The child may have exited with its last lines still in the pipes: wait for EOF too.
    if (exited_ && out_fd_ < 0 && err_fd_ < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("process exited before printing '", std::string(needle), "'"));
    }
    const uint64_t seen = first_line_number_ + lines_.size();
    auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return first_line_number_ + lines_.size() != seen || (exited_ && out_fd_ < 0 && err_fd_ < 0);
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&changed), deadline)) {
      return absl::DeadlineExceededError(absl::StrCat("no line containing '", std::string(needle),
                                                      "' within ", absl::FormatDuration(timeout)));
    }
  }
}

absl::Status Subprocess::Stop(absl::Duration timeout) {
  if (!running()) return absl::OkStatus();
  PidfdSendSignal(pidfd_, SIGTERM);
  if (WaitForExit(timeout)) return absl::OkStatus();
  PidfdSendSignal(pidfd_, SIGKILL);
  WaitForExit(absl::Seconds(10));
  return absl::DeadlineExceededError(
      absl::StrCat("did not exit within ", absl::FormatDuration(timeout), " of SIGTERM; killed"));
}

CountedLines Subprocess::counted_lines() const {
  absl::MutexLock lock(&mu_);
  return counted_;
}

std::string Subprocess::OutputTail(size_t max_lines) const {
  absl::MutexLock lock(&mu_);
  const size_t first = lines_.size() > max_lines ? lines_.size() - max_lines : 0;
  std::vector<std::string> tail;
  for (size_t i = first; i < lines_.size(); ++i) tail.push_back(lines_[i]);
  return absl::StrJoin(tail, "\n");
}

}  // namespace liminal::bench
