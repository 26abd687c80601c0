// Running `liminal worker --exec CMD` for one push: `/bin/sh -c CMD` with the push payload
// on stdin, its stdout captured (its stderr goes to the worker's stderr), bounded in time
// and output size.
//
//   absl::StatusOr<ShellCommandResult> r =
//       RunShellCommand("tr a-z A-Z", "hello", absl::Seconds(30));
//   if (r.ok() && r->succeeded()) Reply(r->output);          // "HELLO"
//
// The command runs in its own process group; on timeout the whole group gets SIGKILL. The
// child starts with SIGINT/SIGTERM unblocked and default signal dispositions. The first call
// sets SIGPIPE to "ignore" for this process, so a command that does not read its stdin cannot
// kill the caller. A failed fork/pipe is an error status; everything the command itself does
// (exit status, signal, timeout, too much output) is described by the result.
// Thread-safety: thread-compatible (each call is independent).
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

  bool succeeded() const { return exit_status == 0 && !timed_out && !output_truncated; }
};

inline constexpr size_t kMaxShellOutputBytes = size_t{1} << 20;

absl::StatusOr<ShellCommandResult> RunShellCommand(const std::string& command,
                                                   std::string_view input, absl::Duration timeout,
                                                   size_t max_output = kMaxShellOutputBytes);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_SHELL_COMMAND_H_
