#include "tests/e2e/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

extern char** environ;  // NOLINT: POSIX

namespace liminal::e2e {
namespace {

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// NAME=VALUE strings: the parent's environment, minus LIMINAL_* unless kept, plus `extra`.
std::vector<std::string> ChildEnvironment(const SubprocessOptions& options) {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view variable(*entry);
    const size_t equals = variable.find('=');
    if (equals == absl::string_view::npos) continue;
    const std::string name(variable.substr(0, equals));
    if (!options.inherit_liminal_env && absl::StartsWith(name, "LIMINAL_")) continue;
    env[name] = std::string(variable.substr(equals + 1));
  }
  for (const auto& [name, value] : options.env) env[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : env) out.push_back(absl::StrCat(name, "=", value));
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// In the forked child: reports errno to the parent through `error_fd` and exits.
[[noreturn]] void FailChild(int error_fd) {
  const int error = errno;
  (void)!::write(error_fd, &error, sizeof(error));
  ::_exit(127);
}

// In the forked child: only async-signal-safe calls until execve.
[[noreturn]] void ExecChild(const char* binary, char* const* argv, char* const* envp,
                            const char* working_dir, int stdout_fd, int stderr_fd, int error_fd,
                            pid_t parent) {
  auto fail = [error_fd] { FailChild(error_fd); };
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail();
  if (::getppid() != parent) ::_exit(127);  // the test died before prctl took effect
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0) fail();
  if (::dup2(stdout_fd, 1) < 0 || ::dup2(stderr_fd, 2) < 0) fail();
  // The signal mask and dispositions survive exec; give the child clean ones.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) ::signal(sig, SIG_DFL);
  if (working_dir != nullptr && ::chdir(working_dir) != 0) fail();
  ::execve(binary, argv, envp);
  FailChild(error_fd);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Spawn(const SubprocessOptions& options) {
  std::vector<std::string> args = {options.binary.string()};
  args.insert(args.end(), options.args.begin(), options.args.end());
  std::vector<std::string> env = ChildEnvironment(options);
  std::vector<char*> argv = Pointers(args);
  std::vector<char*> envp = Pointers(env);
  const std::string working_dir = options.working_dir ? options.working_dir->string() : "";

  int out[2], err[2], exec_error[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Errno("pipe2");
  if (::pipe2(err, O_CLOEXEC) != 0) return Errno("pipe2");
  if (::pipe2(exec_error, O_CLOEXEC) != 0) return Errno("pipe2");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return Errno("fork");
  if (pid == 0) {
    ExecChild(argv[0], argv.data(), envp.data(),
              working_dir.empty() ? nullptr : working_dir.c_str(), out[1], err[1], exec_error[1],
              parent);
  }
  ::close(out[1]);
  ::close(err[1]);
  ::close(exec_error[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_error[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  ::close(exec_error[0]);
  if (n > 0) {
    ::waitpid(pid, nullptr, 0);
    ::close(out[0]);
    ::close(err[0]);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot start ", options.binary.string(), ": ", std::strerror(child_errno)));
  }
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  const int wake_fd = ::eventfd(0, EFD_CLOEXEC);
  if (pidfd < 0 || wake_fd < 0) {
    absl::Status status = Errno("pidfd_open/eventfd");
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return status;
  }
  return std::unique_ptr<Subprocess>(new Subprocess(pid, pidfd, out[0], err[0], wake_fd));
}

Subprocess::Subprocess(pid_t pid, int pidfd, int stdout_fd, int stderr_fd, int wake_fd)
    : pid_(pid), pidfd_(pidfd), wake_fd_(wake_fd) {
  out_.fd = stdout_fd;
  err_.fd = stderr_fd;
  reader_ = std::thread([this] { ReadLoop(); });
}

Subprocess::~Subprocess() {
  bool running;
  {
    absl::MutexLock lock(&mu_);
    running = !exit_code_.has_value();
  }
  if (running) {
    ::syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);
    (void)WaitForExit(std::chrono::seconds(30));
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
  reader_.join();
  {
    absl::MutexLock lock(&mu_);
    if (!exit_code_.has_value()) ::waitpid(pid_, nullptr, 0);
    for (Stream* stream : {&out_, &err_}) {
      if (!stream->closed) ::close(stream->fd);
    }
  }
  ::close(pidfd_);
  ::close(wake_fd_);
}

void Subprocess::ReadLoop() {
  char buffer[65536];
  while (true) {
    pollfd fds[4];
    Stream* streams[2] = {nullptr, nullptr};
    nfds_t count = 0;
    bool watch_pid;
    {
      absl::MutexLock lock(&mu_);
      for (Stream* stream : {&out_, &err_}) {
        if (stream->closed) continue;
        streams[count] = stream;
        fds[count++] = {stream->fd, POLLIN, 0};
      }
      watch_pid = !exit_code_.has_value();
    }
    const nfds_t stream_count = count;
    if (stream_count == 0 && !watch_pid) return;
    const nfds_t pid_index = count;
    if (watch_pid) fds[count++] = {pidfd_, POLLIN, 0};
    const nfds_t wake_index = count;
    fds[count++] = {wake_fd_, POLLIN, 0};
    if (::poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[wake_index].revents != 0) return;
    for (nfds_t i = 0; i < stream_count; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      absl::MutexLock lock(&mu_);
      if (n > 0) {
        streams[i]->text.append(buffer, static_cast<size_t>(n));
      } else {
        ::close(streams[i]->fd);
        streams[i]->closed = true;
      }
    }
    if (watch_pid && fds[pid_index].revents != 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        absl::MutexLock lock(&mu_);
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      }
    }
  }
}

absl::Status Subprocess::Signal(int signal_number) {
  absl::MutexLock lock(&mu_);
  if (exit_code_.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("process ", pid_, " already exited with ", *exit_code_));
  }
  // The pidfd names this very process even if its pid were reused.
  if (::syscall(SYS_pidfd_send_signal, pidfd_, signal_number, nullptr, 0) != 0) {
    return Errno("pidfd_send_signal");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Subprocess::WaitForLine(Stream Subprocess::*stream,
                                                    absl::string_view name,
                                                    absl::string_view needle,
                                                    std::chrono::milliseconds timeout) {
  std::optional<std::string> found;
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const Stream& s = this->*stream;
    for (absl::string_view line : absl::StrSplit(s.text, '\n')) {
      // Only complete lines: the last piece has no newline yet (or is empty).
      if (line.data() + line.size() == s.text.data() + s.text.size()) break;
      if (absl::StrContains(line, needle)) {
        found = std::string(line);
        return true;
      }
    }
    return s.closed;
  };
  absl::MutexLock lock(&mu_);
  const bool done = mu_.AwaitWithTimeout(absl::Condition(&ready), absl::FromChrono(timeout));
  if (found.has_value()) return *found;
  const std::string context =
      absl::StrCat("\n--- stdout ---\n", out_.text, "\n--- stderr ---\n", err_.text);
  if (!done) {
    return absl::DeadlineExceededError(absl::StrCat("no ", name, " line containing '", needle,
                                                    "' within ", timeout.count(), " ms", context));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      name, " closed (process exited", exit_code_ ? absl::StrCat(" with ", *exit_code_) : "",
      ") without a line containing '", needle, "'", context));
}

absl::StatusOr<std::string> Subprocess::WaitForStdoutLine(absl::string_view needle,
                                                          std::chrono::milliseconds timeout) {
  return WaitForLine(&Subprocess::out_, "stdout", needle, timeout);
}

absl::StatusOr<std::string> Subprocess::WaitForStderrLine(absl::string_view needle,
                                                          std::chrono::milliseconds timeout) {
  return WaitForLine(&Subprocess::err_, "stderr", needle, timeout);
}

absl::StatusOr<int> Subprocess::WaitForExit(std::chrono::milliseconds timeout) {
  const absl::Time deadline = absl::Now() + absl::FromChrono(timeout);
  absl::MutexLock lock(&mu_);
  auto exited = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return exit_code_.has_value(); };
  if (!mu_.AwaitWithDeadline(absl::Condition(&exited), deadline)) {
    return absl::DeadlineExceededError(absl::StrCat("process ", pid_, " still running after ",
                                                    timeout.count(), " ms\n--- stderr ---\n",
                                                    err_.text));
  }
  // Let the reader collect the last output; the pipes close right after the exit.
  auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return out_.closed && err_.closed; };
  mu_.AwaitWithDeadline(absl::Condition(&drained), deadline);
  return *exit_code_;
}

std::string Subprocess::stdout_text() const {
  absl::MutexLock lock(&mu_);
  return out_.text;
}

std::string Subprocess::stderr_text() const {
  absl::MutexLock lock(&mu_);
  return err_.text;
}

}  // namespace liminal::e2e
