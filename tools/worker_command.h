// `liminal worker`: registers as a worker for a task queue, then answers the pushes
// liminald sends it — requests on the subject "worker.<task_queue>" are dispatched round
// robin to the queue's workers, and the worker's reply becomes the conversation's reply.
//
//   liminal worker --task-queue emails --identity w1 --echo
//   liminal worker --task-queue emails --identity w2 --exec 'jq -c .to'
//   liminal req worker.emails hello                       # answered by one of them
//
// --echo replies with the push payload. --exec runs `/bin/sh -c CMD` per push with the
// payload on stdin and replies with its stdout (one trailing newline removed). A command
// that fails still gets the requester an answer, an error text (see WorkerReplyForCommand),
// so the requester does not wait for E_REPLY_TIMEOUT.
#ifndef LIMINAL_TOOLS_WORKER_COMMAND_H_
#define LIMINAL_TOOLS_WORKER_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tools/command.h"
#include "tools/command_io.h"
#include "tools/global_options.h"
#include "tools/shell_command.h"

namespace liminal::tools {

struct WorkerOptions {
  std::string task_queue;
  std::string identity;
  std::vector<std::string> namespaces;  // empty: {"default"}
  std::vector<std::string> activity_types;
  std::optional<std::string> node;
  std::optional<std::string> exec;  // the shell command; nullopt with --echo
  bool echo = false;
  std::optional<uint64_t> count;       // stop after answering this many pushes
  std::optional<std::string> timeout;  // stop after this long in total
  std::string exec_timeout = "30s";    // kill a command running longer
  std::string register_timeout = "5s";
};

// The reply to a push handled by --exec:
//   exit status 0            its stdout, minus one trailing "\n"
//   exit status N != 0       "error: exit status N" + (": <stdout, trimmed>" if any)
//   killed by signal S       "error: killed by signal S"
//   ran longer than allowed  "error: timed out after <exec_timeout>"
//   too much output          "error: output larger than <limit> bytes"
//   cancelled (Ctrl-C)       "error: cancelled, the worker is stopping"
std::string WorkerReplyForCommand(const ShellCommandResult& result, absl::Duration exec_timeout);

Command AddWorkerCommand(CLI::App& app, const GlobalOptions& global);

int RunWorker(const GlobalOptions& global, const WorkerOptions& options, const CommandIo& io);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_WORKER_COMMAND_H_
