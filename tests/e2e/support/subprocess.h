// Subprocess: runs a program for an end-to-end test with its stdout and stderr captured, and
// lets the test wait for output or for exit with a deadline — never by sleeping. A reader
// thread blocks in poll() on the two pipes and on a pidfd, so waits wake on the event itself.
//
//   absl::StatusOr<std::unique_ptr<Subprocess>> p = Subprocess::Spawn(
//       {.binary = "/path/to/liminald", .args = {"--config", "x.toml"}});
//   ASSERT_TRUE(p.ok()) << p.status();
//   absl::StatusOr<std::string> line = (*p)->WaitForStdoutLine("listening", 10s);
//   (*p)->Signal(SIGTERM);
//   absl::StatusOr<int> code = (*p)->WaitForExit(10s);   // exit code, or -signal
//   (*p)->stderr_text();                                  // everything logged so far
//
// The child gets /dev/null as stdin, is killed if the test process dies (PR_SET_PDEATHSIG),
// and inherits the environment minus every LIMINAL_* variable (so a developer's shell cannot
// change a test) plus SubprocessOptions::env. Destroying a Subprocess whose child still runs
// kills it with SIGKILL and reaps it.
#ifndef LIMINAL_TESTS_E2E_SUPPORT_SUBPROCESS_H_
#define LIMINAL_TESTS_E2E_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace liminal::e2e {

struct SubprocessOptions {
  std::filesystem::path binary{};
  std::vector<std::string> args{};  // argv[1...]
  // Variables set in the child on top of the inherited environment.
  std::map<std::string, std::string> env{};
  // Keep the inherited LIMINAL_* variables (dropped by default).
  bool inherit_liminal_env = false;
  std::optional<std::filesystem::path> working_dir{};
};

class Subprocess {
 public:
  static absl::StatusOr<std::unique_ptr<Subprocess>> Spawn(const SubprocessOptions& options);

  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // Sends a signal; FAILED_PRECONDITION once the child has been reaped.
  absl::Status Signal(int signal_number);

  // The first complete stdout (stderr) line containing `needle`, without its newline. Fails
  // with DEADLINE_EXCEEDED after `timeout`, or at once if the stream closes first (the child
  // exited); the message then carries the captured stderr.
  absl::StatusOr<std::string> WaitForStdoutLine(absl::string_view needle,
                                                std::chrono::milliseconds timeout);
  absl::StatusOr<std::string> WaitForStderrLine(absl::string_view needle,
                                                std::chrono::milliseconds timeout);

  // Waits for the child to end: its exit code, or -N if signal N killed it.
  // DEADLINE_EXCEEDED after `timeout` (the child keeps running).
  absl::StatusOr<int> WaitForExit(std::chrono::milliseconds timeout);

  // Output captured so far. After WaitForExit() succeeds, stdout and stderr are complete.
  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  struct Stream {
    int fd = -1;
    std::string text;
    bool closed = false;
  };

  Subprocess(pid_t pid, int pidfd, int stdout_fd, int stderr_fd, int wake_fd);
  void ReadLoop();
  absl::StatusOr<std::string> WaitForLine(Stream Subprocess::*stream, absl::string_view name,
                                          absl::string_view needle,
                                          std::chrono::milliseconds timeout);

  const pid_t pid_;
  const int pidfd_;
  const int wake_fd_;  // eventfd: tells the reader thread to stop

  mutable absl::Mutex mu_;
  Stream out_ ABSL_GUARDED_BY(mu_);
  Stream err_ ABSL_GUARDED_BY(mu_);
  std::optional<int> exit_code_ ABSL_GUARDED_BY(mu_);
  std::thread reader_;
};

}  // namespace liminal::e2e

#endif  // LIMINAL_TESTS_E2E_SUPPORT_SUBPROCESS_H_
