#include "tools/worker_command.h"

#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/worker_registration.h"
#include "tools/duration_flag.h"
#include "tools/exit_status.h"
#include "tools/interrupt_watcher.h"
#include "tools/long_run.h"
#include "tools/optional_option.h"
#include "tools/output_format.h"
#include "tools/server_connection.h"

namespace liminal::tools {
namespace {

constexpr char kWorkerHelp[] =
    R"(How it works: liminald dispatches every request on the subject "worker.<task_queue>"
to the workers registered for that queue (round robin) as a push; the worker's reply is
the conversation's reply. Try `liminal req worker.<task_queue> hello` from another shell.

Replies:
  --echo       the push payload
  --exec CMD   runs `/bin/sh -c CMD` with the payload on stdin and replies with its stdout
               (one trailing newline removed; CMD's stderr goes to this terminal). If CMD
               fails the reply is an error text, so the requester is not left waiting:
                 "error: exit status N[: <stdout>]", "error: killed by signal S",
                 "error: timed out after <--exec-timeout>" (the command is killed),
                 "error: output larger than 1048576 bytes"

Output: "liminal worker: registered ..." on stderr once the server accepted the
registration, then one line per push on stdout: the payload as is, or with --json
  {"correlation_id":7,"payload":"...","reply":"...","ok":true}
("ok" is false when --exec failed). A rejected registration prints the server's reason.
With --count a progress line is drawn on a terminal and a summary is printed at the end.

Examples:
  liminal worker --task-queue emails --identity w1 --echo
  liminal worker --task-queue emails --identity w2 --exec 'tr a-z A-Z'
  liminal worker -q resize -I box-3 --namespace media --activity-type thumb --node eu-1 \
      --exec ./resize.sh --exec-timeout 2m
  liminal worker -q emails -I once --echo --count 1 --timeout 1m

Exit codes: 0 ended by --count, --timeout without --count, or Ctrl-C; 1 registration
rejected or failed, or --timeout passed before --count pushes; 2 usage error; 3 cannot
connect or connection lost.
)";

std::string TrimOneNewline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

std::string WorkerReplyForCommand(const ShellCommandResult& result, absl::Duration exec_timeout) {
  if (result.cancelled) return "error: cancelled, the worker is stopping";
  if (result.timed_out) {
    return absl::StrCat("error: timed out after ", absl::FormatDuration(exec_timeout));
  }
  if (result.term_signal.has_value()) {
    return absl::StrCat("error: killed by signal ", *result.term_signal);
  }
  if (result.output_truncated) {
    return absl::StrCat("error: output larger than ", kMaxShellOutputBytes, " bytes");
  }
  if (result.exit_status == 0) return TrimOneNewline(result.output);
  std::string reply = absl::StrCat("error: exit status ", result.exit_status.value_or(-1));
  const absl::string_view output = absl::StripAsciiWhitespace(result.output);
  if (!output.empty()) absl::StrAppend(&reply, ": ", output);
  return reply;
}

int RunWorker(const GlobalOptions& global, const WorkerOptions& options, const CommandIo& io) {
  absl::Status usage;
  std::optional<absl::Duration> timeout;
  if (options.timeout.has_value()) {
    absl::StatusOr<absl::Duration> parsed = ParseDurationFlag(*options.timeout);
    if (parsed.ok()) timeout = *parsed;
    usage.Update(parsed.status());
  }
  absl::StatusOr<absl::Duration> exec_timeout = ParseDurationFlag(options.exec_timeout);
  absl::StatusOr<absl::Duration> register_timeout = ParseDurationFlag(options.register_timeout);
  usage.Update(exec_timeout.status());
  usage.Update(register_timeout.status());
  if (options.exec.has_value() == options.echo) {
    usage.Update(absl::InvalidArgumentError("give exactly one of --exec CMD and --echo"));
  }
  if (!usage.ok()) {
    io.err << "liminal worker: " << usage.message() << std::endl;
    return kExitUsage;
  }
  InterruptWatcher& watcher = InterruptWatcher::Install();
  absl::StatusOr<std::unique_ptr<client::BlockingClient>> client = ConnectToServer(global);
  if (!client.ok()) return ReportConnectFailure(io.err, "worker", client.status());

  client::WorkerRegistration registration;
  registration.namespaces = options.namespaces;
  if (registration.namespaces.empty()) registration.namespaces = {"default"};
  registration.task_queue = options.task_queue;
  registration.node = options.node;
  registration.activity_types = options.activity_types;
  registration.identity = options.identity;
  const absl::Time start = absl::Now();
  absl::StatusOr<client::WorkerRegisterResult> registered =
      (*client)->RegisterWorker(registration, *register_timeout);
  if (!registered.ok()) {
    return ReportFailure(io.err, "worker", "registration failed", registered.status());
  }
  if (!registered->accepted) {
    io.err << "liminal worker: registration rejected by the server: "
           << registered->rejection_reason << std::endl;
    return kExitFailure;
  }
  io.err << "liminal worker: registered '" << options.identity << "' on task queue '"
         << options.task_queue << "' (namespaces " << absl::StrJoin(registration.namespaces, ",")
         << "); answering requests to 'worker." << options.task_queue << "' with "
         << (options.echo ? "--echo" : "--exec") << ", Ctrl-C to stop" << std::endl;
  // Ctrl-C closes the connection, which wakes ServePushes, and then kills a running --exec
  // command. In that order: the cancelled command's "error: cancelled" reply must find the
  // connection closed, or the requester would take it for the worker's answer.
  ShellCommandRunner runner;
  InterruptWatcher::Registration stop = watcher.OnInterrupt([&] {
    (*client)->Close();
    runner.Cancel();
  });

  LongRun run({.command = "worker",
               .verb = "answered",
               .noun = "push",
               .total = options.count,
               .rate = std::nullopt,
               .summary = options.count.has_value(),
               .format = global.format()},
              io, watcher);
  auto handle = [&](uint64_t correlation_id, std::string_view payload) -> std::string {
    std::string reply(payload);
    bool ok = true;
    if (options.exec.has_value()) {
      absl::StatusOr<ShellCommandResult> result = runner.Run(*options.exec, payload, *exec_timeout);
      // Stopping: the connection is closed, so there is nobody to answer.
      if (result.ok() && result->cancelled) return WorkerReplyForCommand(*result, *exec_timeout);
      ok = result.ok() && result->succeeded();
      reply = result.ok()
                  ? WorkerReplyForCommand(*result, *exec_timeout)
                  : absl::StrCat("error: cannot run the command: ", result.status().message());
      if (!ok) {
        run.ClearProgress();
        io.err << "liminal worker: push " << correlation_id << ": replied \"" << reply << "\""
               << std::endl;
      }
    }
    run.ClearProgress();
    if (global.json) {
      Json line = {{"correlation_id", correlation_id}};
      SetPayload(line, payload);
      SetPayload(line, reply, "reply");
      line["ok"] = ok;
      WriteJsonLine(io.out, line);
    } else {
      WriteTextLine(io.out, payload);
    }
    run.RecordSuccess();
    return reply;
  };

  const absl::Time deadline = timeout.has_value() ? start + *timeout : absl::InfiniteFuture();
  int exit_code = kExitOk;
  while (!options.count.has_value() || run.stats().messages() < *options.count) {
    const size_t wanted = options.count.has_value()
                              ? static_cast<size_t>(*options.count - run.stats().messages())
                              : std::numeric_limits<size_t>::max();
    absl::StatusOr<size_t> served = (*client)->ServePushes(handle, wanted, deadline - absl::Now());
    if (!served.ok()) {
      if (!watcher.interrupted()) {
        exit_code = run.Fail("connection to liminald ended", served.status());
      }
      break;
    }
    if (*served < wanted && absl::Now() >= deadline) {
      if (options.count.has_value()) {
        exit_code =
            run.Fail(absl::StrCat("waiting for ", CountOf(*options.count, "push"), " failed"),
                     absl::DeadlineExceededError(
                         absl::StrCat("timed out after ", absl::FormatDuration(*timeout), " with ",
                                      run.stats().messages(), " answered")));
      }
      break;
    }
  }
  run.Finish();
  return exit_code;
}

Command AddWorkerCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<WorkerOptions>();
  CLI::App* worker =
      app.add_subcommand("worker", "Register as a worker and answer pushes (--echo or --exec)");
  worker->add_option("--task-queue,-q", options->task_queue, "Task queue to serve")->required();
  worker->add_option("--identity,-I", options->identity, "Worker identity")->required();
  worker->add_option("--namespace", options->namespaces,
                     "Namespace (repeatable; default: default)");
  worker->add_option("--activity-type", options->activity_types,
                     "Activity type (repeatable; default: none)");
  AddOptionalOption(*worker, "--node", options->node, "Node name (default: none)");
  CLI::Option* exec_option = AddOptionalOption(*worker, "--exec,-e", options->exec,
                                               "Reply with the output of this shell command");
  CLI::Option* echo_option =
      worker->add_flag("--echo", options->echo, "Reply with the push payload");
  exec_option->excludes(echo_option);
  AddOptionalOption(*worker, "--count,-n", options->count, "Stop after answering N pushes")
      ->check(CLI::PositiveNumber);
  AddOptionalOption(*worker, "--timeout,-t", options->timeout,
                    "Stop after this long (an error if --count was not reached)")
      ->check(DurationFlag())
      ->type_name("DURATION");
  worker->add_option("--exec-timeout", options->exec_timeout, "Kill a command running longer")
      ->check(DurationFlag())
      ->type_name("DURATION")
      ->capture_default_str();
  worker
      ->add_option("--register-timeout", options->register_timeout,
                   "Wait this long for the WorkerRegisterAck")
      ->check(DurationFlag())
      ->type_name("DURATION")
      ->capture_default_str();
  worker->footer(std::string(kWorkerHelp) + kGlobalOptionsNote);
  return {worker, [=, &global] { return RunWorker(global, *options, StandardIo()); }};
}

}  // namespace liminal::tools
