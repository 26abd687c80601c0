// Running `liminal worker --exec CMD` for one push: `/bin/sh -c CMD` with the push payload
// on stdin, its stdout captured (its stderr goes to the worker's stderr), bounded in time
// and output size, and cancellable from another thread (Ctrl-C).
//
//   ShellCommandRunner runner;
//   absl::StatusOr<ShellCommandResult> r = runner.Run("tr a-z A-Z", "hello", absl::Seconds(30));
//   if (r.ok() && r->succeeded()) Reply(r->output);          // "HELLO"
//   ...
//   runner.Cancel();   // from any thread: kills the running command, refuses later ones
//
// The command runs in its own process group; on timeout or Cancel() the whole group gets
// SIGKILL. Run() returns once the command has exited and its output is collected; it does
// not wait for background processes the command left holding its stdout. The child starts
// with no blocked signals and default dispositions for SIGINT, SIGTERM and SIGPIPE. The
// first Run() sets SIGPIPE to "ignore" for this process, so a command that does not read its
// stdin cannot kill the caller. A failed pipe/fork is an error status; everything the command
// itself does (exit status, signal, timeout, too much output) is described by the result.
//
// Thread-safety: Run() from one thread at a time; Cancel() from any thread.
#ifndef LIMINAL_TOOLS_SHELL_COMMAND_H_
#define LIMINAL_TOOLS_SHELL_COMMAND_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace liminal::tools {

struct ShellCommandResult {
  std::string output{};              // stdout, at most the size limit
  std::optional<int> exit_status{};  // set when the command exited by itself
  std::optional<int> term_signal{};  // set when a signal ended it (SIGKILL after a timeout)
  bool timed_out = false;            // killed because the timeout passed
  bool output_truncated = false;     // wrote more than the size limit (the rest is dropped)
  bool cancelled = false;            // killed (or never started) because of Cancel()

  bool succeeded() const {
    return exit_status == 0 && !timed_out && !output_truncated && !cancelled;
  }
};

inline constexpr size_t kMaxShellOutputBytes = size_t{1} << 20;

class ShellCommandRunner {
 public:
  ShellCommandRunner();
  ShellCommandRunner(const ShellCommandRunner&) = delete;
  ShellCommandRunner& operator=(const ShellCommandRunner&) = delete;
  ~ShellCommandRunner();

  absl::StatusOr<ShellCommandResult> Run(const std::string& command, std::string_view input,
                                         absl::Duration timeout,
                                         size_t max_output = kMaxShellOutputBytes);

  // Kills the running command, if any; every later Run() returns `cancelled` at once.
  void Cancel();

 private:
  int cancel_fds_[2] = {-1, -1};  // a pipe: Cancel() writes, Run() polls the read end
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_SHELL_COMMAND_H_
