#include "tools/shell_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace liminal::tools {
namespace {

absl::Status Errno(std::string_view what) {
  return absl::InternalError(
      absl::StrCat(absl::string_view(what.data(), what.size()), ": ", std::strerror(errno)));
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// In the forked child: only async-signal-safe calls until execve.
[[noreturn]] void ExecShell(const char* command, int stdin_fd, int stdout_fd) {
  ::setpgid(0, 0);
  if (::dup2(stdin_fd, STDIN_FILENO) < 0 || ::dup2(stdout_fd, STDOUT_FILENO) < 0) ::_exit(127);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE}) ::signal(sig, SIG_DFL);
  ::execl("/bin/sh", "sh", "-c", command, static_cast<char*>(nullptr));
  ::_exit(127);
}

// Adds output up to `max_output` bytes in all; marks the result truncated beyond that.
void Append(ShellCommandResult& result, const char* data, size_t size, size_t max_output) {
  const size_t room = max_output - std::min(max_output, result.output.size());
  if (size > room) result.output_truncated = true;
  result.output.append(data, std::min(room, size));
}

// Milliseconds from now until `deadline` for poll(), at least 0.
int PollTimeout(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30));
}

bool IsReadable(int fd) {
  pollfd ready = {fd, POLLIN, 0};
  return fd >= 0 && ::poll(&ready, 1, 0) > 0;
}

}  // namespace

ShellCommandRunner::ShellCommandRunner() {
  if (::pipe2(cancel_fds_, O_CLOEXEC | O_NONBLOCK) != 0) cancel_fds_[0] = cancel_fds_[1] = -1;
}

ShellCommandRunner::~ShellCommandRunner() {
  for (int& fd : cancel_fds_) CloseFd(fd);
}

void ShellCommandRunner::Cancel() {
  if (cancel_fds_[1] >= 0) (void)!::write(cancel_fds_[1], "x", 1);
}

absl::StatusOr<ShellCommandResult> ShellCommandRunner::Run(const std::string& command,
                                                           std::string_view input,
                                                           absl::Duration timeout,
                                                           size_t max_output) {
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  if (IsReadable(cancel_fds_[0])) return ShellCommandResult{.cancelled = true};

  int in_pipe[2];
  int out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return Errno("pipe2");
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return Errno("pipe2");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    absl::Status status = Errno("fork");
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) ::close(fd);
    return status;
  }
  if (pid == 0) ExecShell(command.c_str(), in_pipe[0], out_pipe[1]);
  ::setpgid(pid, pid);  // also in the parent, so the group exists before any kill below
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  int to_child = in_pipe[1];
  int from_child = out_pipe[0];
  ::fcntl(to_child, F_SETFL, O_NONBLOCK);
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));

  ShellCommandResult result;
  const absl::Time deadline = absl::Now() + timeout;
  size_t written = 0;
  if (input.empty()) CloseFd(to_child);
  bool exited = false;
  int wait_status = 0;
  while (!exited) {
    pollfd fds[4];
    nfds_t count = 0;
    int in_index = -1, out_index = -1, pid_index = -1, cancel_index = -1;
    if (to_child >= 0) {
      in_index = static_cast<int>(count);
      fds[count++] = {to_child, POLLOUT, 0};
    }
    if (from_child >= 0) {
      out_index = static_cast<int>(count);
      fds[count++] = {from_child, POLLIN, 0};
    }
    if (pidfd >= 0) {
      pid_index = static_cast<int>(count);
      fds[count++] = {pidfd, POLLIN, 0};
    }
    if (cancel_fds_[0] >= 0) {
      cancel_index = static_cast<int>(count);
      fds[count++] = {cancel_fds_[0], POLLIN, 0};
    }
    const int ready = ::poll(fds, count, PollTimeout(deadline));
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0 && absl::Now() >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    if (cancel_index >= 0 && fds[cancel_index].revents != 0) {
      result.cancelled = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    if (in_index >= 0 && fds[in_index].revents != 0) {
      const ssize_t n = ::write(to_child, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      // All written, or the command closed its stdin (EPIPE): either way it has its input.
      if (written == input.size() || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        CloseFd(to_child);
      }
    }
    if (out_index >= 0 && fds[out_index].revents != 0) {
      char chunk[65536];
      const ssize_t n = ::read(from_child, chunk, sizeof(chunk));
      if (n > 0) {
        Append(result, chunk, static_cast<size_t>(n), max_output);
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        CloseFd(from_child);
      }
    }
    const bool pid_ready = pid_index >= 0 && fds[pid_index].revents != 0;
    if (pid_ready && ::waitpid(pid, &wait_status, WNOHANG) == pid) {
      exited = true;
      // Collect what is still in the pipe, but do not wait for EOF: something the command
      // started may still hold its stdout open.
      if (from_child >= 0) {
        ::fcntl(from_child, F_SETFL, O_NONBLOCK);
        char chunk[65536];
        ssize_t n;
        while ((n = ::read(from_child, chunk, sizeof(chunk))) > 0) {
          Append(result, chunk, static_cast<size_t>(n), max_output);
        }
      }
    } else if (pidfd < 0 && from_child < 0) {
      exited = ::waitpid(pid, &wait_status, 0) == pid;  // no pidfd: wait after EOF
    }
  }
  CloseFd(to_child);
  CloseFd(from_child);
  if (!exited) ::waitpid(pid, &wait_status, 0);
  if (pidfd >= 0) ::close(pidfd);
  if (WIFEXITED(wait_status) && !result.timed_out && !result.cancelled) {
    result.exit_status = WEXITSTATUS(wait_status);
  }
  if (WIFSIGNALED(wait_status)) result.term_signal = WTERMSIG(wait_status);
  return result;
}

}  // namespace liminal::tools
