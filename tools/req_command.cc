#include "tools/req_command.h"

#include <memory>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "tools/duration_flag.h"
#include "tools/exit_status.h"
#include "tools/interrupt_watcher.h"
#include "tools/long_run.h"
#include "tools/optional_option.h"
#include "tools/output_format.h"
#include "tools/payload_run.h"

namespace liminal::tools {
namespace {

constexpr char kReqHelp[] =
    R"(Output: one line per reply on stdout: the reply payload as is, or with --json
  {"subject":"pricing","reply":"...","latency_ms":0.35}
(a reply that is not UTF-8 appears as "reply_hex"). With --count N > 1 only the summary
is printed. With --count or --rate a progress line is drawn on a terminal and a summary
(requests, elapsed, rate, request->reply latency p50/p90/p99/max) goes to stderr, or to
stdout as {"summary":{...}} with --json.

Every request of a run goes on one conversation, one at a time. With DATA "-" (or no
DATA) every non-empty stdin line is one request. The run stops at the first failure.

Examples:
  liminal req pricing '{"sku":"A1"}'
  liminal req worker.emails '{"to":"a@b.c"}'     # answered by `liminal worker` on "emails"
  liminal req echo hello --count 1000 --rate 500
  printf 'one\ntwo\n' | liminal req echo - --json

Exit codes: 0 every request answered, 1 the server answered with an error (e.g.
E_REPLY_TIMEOUT, E_PARTICIPANT_CRASHED) or --timeout passed, 2 usage error, 3 cannot
connect or connection lost.
)";

}  // namespace

int RunReq(const GlobalOptions& global, const ReqOptions& options, const CommandIo& io) {
  std::variant<PayloadRun, int> started =
      StartPayloadRun("req", global, options.data, options.count, options.timeout, io);
  if (const int* exit_code = std::get_if<int>(&started)) return *exit_code;
  PayloadRun& setup = std::get<PayloadRun>(started);
  absl::StatusOr<std::unique_ptr<client::BlockingConversation>> conversation =
      setup.client->OpenConversation(options.subject);
  if (!conversation.ok()) {
    return ReportFailure(io.err, "req",
                         absl::StrCat("opening a conversation with '", options.subject, "' failed"),
                         conversation.status());
  }
  // Ctrl-C ends a pending request (CANCELLED) and a blocked stdin read.
  InterruptWatcher::Registration stop = setup.watcher->OnInterrupt([&] {
    setup.source->Wake();
    (*conversation)->Close();
  });
  if (setup.source->reads_lines() && io.in_is_terminal) {
    io.err << "liminal req: sending each line typed to '" << options.subject
           << "' (Ctrl-D or Ctrl-C to end)" << std::endl;
  }

  const bool each = options.count.value_or(1) <= 1;
  LongRun run({.command = "req",
               .verb = "answered",
               .noun = "request",
               .total = setup.source->total(),
               .rate = options.rate,
               .summary = options.count.has_value() || options.rate.has_value(),
               .format = global.format()},
              io, *setup.watcher);
  int exit_code = kExitOk;
  while (run.WaitForTurn()) {
    std::optional<std::string> payload = setup.source->Next();
    if (!payload.has_value()) break;
    const absl::Time start = absl::Now();
    absl::StatusOr<std::string> reply =
        (*conversation)->Request(*std::move(payload), setup.timeout);
    const absl::Duration latency = absl::Now() - start;
    if (!reply.ok()) {
      if (setup.watcher->interrupted()) break;
      exit_code =
          run.Fail(absl::StrCat("request to '", options.subject, "' failed"), reply.status());
      break;
    }
    run.RecordSuccess(latency);
    if (!each) continue;
    run.ClearProgress();
    if (global.json) {
      Json line = {{"subject", options.subject}};
      SetPayload(line, *reply, "reply");
      line["latency_ms"] = ToMilliseconds(latency);
      WriteJsonLine(io.out, line);
    } else {
      WriteTextLine(io.out, *reply);
    }
  }
  run.Finish();
  return exit_code;
}

Command AddReqCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<ReqOptions>();
  CLI::App* req = app.add_subcommand("req", "Send a request on a conversation, print the reply");
  req->add_option("SUBJECT", options->subject, "Conversation subject (e.g. worker.<queue>)")
      ->required();
  AddOptionalOption(*req, "DATA", options->data,
                    "Request payload; '-' or absent: one request per stdin line");
  AddOptionalOption(*req, "--count,-n", options->count, "Send DATA N times")
      ->check(CLI::PositiveNumber);
  AddOptionalOption(*req, "--rate,-r", options->rate, "Requests per second")
      ->check(CLI::PositiveNumber);
  req->add_option("--timeout,-t", options->timeout, "Wait this long for each reply")
      ->check(DurationFlag())
      ->type_name("DURATION")
      ->capture_default_str();
  req->footer(std::string(kReqHelp) + kGlobalOptionsNote);
  return {req, [=, &global] { return RunReq(global, *options, StandardIo()); }};
}

}  // namespace liminal::tools
