#include "tools/pub_command.h"

#include <memory>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "client/publish.h"
#include "tools/duration_flag.h"
#include "tools/interrupt_watcher.h"
#include "tools/long_run.h"
#include "tools/optional_option.h"
#include "tools/output_format.h"
#include "tools/payload_run.h"

namespace liminal::tools {
namespace {

constexpr char kPubHelp[] = R"(Output: one line per message on stdout,
  id=17 delivered=true             (text)
  {"channel":"orders","message_id":17,"delivered":true,"latency_ms":0.21}   (--json)
delivered=false means no subscription took the message: nobody is subscribed, or the
idempotency key was seen before (the id is then the original message's id).
With --count N > 1 only the summary is printed. With --count or --rate a progress line is
drawn on a terminal and a summary (messages, elapsed, rate, publish->ack latency p50/p90/
p99/max) goes to stderr, or to stdout as {"summary":{...}} with --json.

Idempotency keys: with one DATA, --key is used as given. With --count or stdin input,
message i (counting from 1) uses "<key>-<i>": the copies are distinct messages, and running
the same command again publishes nothing new.

Stdin: with DATA "-" (or no DATA) every non-empty stdin line is one message. The run stops
at the first failed publish.

Examples:
  liminal pub orders '{"id":17}'
  liminal pub orders '{"id":17}' --key order-17        # a re-run is not delivered again
  liminal pub events ping --count 10000 --rate 2000    # load run with a latency summary
  printf 'a\nb\nc\n' | liminal pub events - --json
  liminal --server 10.0.0.5:7400 pub audit "user 7 logged in"

Exit codes: 0 every message acknowledged, 1 the server refused a publish (e.g.
E_UNKNOWN_CHANNEL, E_SCHEMA_INVALID) or an ack timed out, 2 usage error, 3 cannot connect
or connection lost.
)";

// The key sent with message `index`, per the rule in pub_command.h.
std::optional<std::string> KeyFor(const PubOptions& options, const PayloadSource& source) {
  if (!options.key.has_value()) return std::nullopt;
  const bool many = options.count.has_value() || source.reads_lines();
  return many ? absl::StrCat(*options.key, "-", source.index()) : *options.key;
}

}  // namespace

int RunPub(const GlobalOptions& global, const PubOptions& options, const CommandIo& io) {
  std::variant<PayloadRun, int> started =
      StartPayloadRun("pub", global, options.data, options.count, options.timeout, io);
  if (const int* exit_code = std::get_if<int>(&started)) return *exit_code;
  PayloadRun& setup = std::get<PayloadRun>(started);
  InterruptWatcher::Registration stop = setup.watcher->OnInterrupt([&] { setup.source->Wake(); });
  if (setup.source->reads_lines() && io.in_is_terminal) {
    io.err << "liminal pub: publishing each line typed to '" << options.channel
           << "' (Ctrl-D or Ctrl-C to end)" << std::endl;
  }

  const bool long_run = options.count.has_value() || options.rate.has_value();
  const bool each = options.count.value_or(1) <= 1;
  LongRun run({.command = "pub",
               .verb = "published",
               .total = setup.source->total(),
               .rate = options.rate,
               .summary = long_run,
               .format = global.format()},
              io, *setup.watcher);
  int exit_code = kExitOk;
  while (run.WaitForTurn()) {
    std::optional<std::string> payload = setup.source->Next();
    if (!payload.has_value()) break;
    client::PublishOptions publish;
    publish.idempotency_key = KeyFor(options, *setup.source);
    const absl::Time start = absl::Now();
    absl::StatusOr<client::PublishResult> ack =
        setup.client->Publish(options.channel, *std::move(payload), setup.timeout, publish);
    const absl::Duration latency = absl::Now() - start;
    if (!ack.ok()) {
      exit_code = run.Fail(absl::StrCat("publish to '", options.channel, "' failed"), ack.status());
      break;
    }
    run.RecordSuccess(latency);
    if (!each) continue;
    run.ClearProgress();
    if (global.json) {
      Json line = {{"channel", options.channel},
                   {"message_id", ack->message_id},
                   {"delivered", ack->delivered}};
      if (publish.idempotency_key.has_value()) line["key"] = *publish.idempotency_key;
      line["latency_ms"] = ToMilliseconds(latency);
      WriteJsonLine(io.out, line);
    } else {
      std::string text =
          absl::StrCat("id=", ack->message_id, " delivered=", ack->delivered ? "true" : "false");
      if (publish.idempotency_key.has_value()) {
        absl::StrAppend(&text, " key=", *publish.idempotency_key);
      }
      WriteTextLine(io.out, text);
    }
  }
  run.Finish();
  return exit_code;
}

Command AddPubCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<PubOptions>();
  CLI::App* pub = app.add_subcommand("pub", "Publish messages to a channel");
  pub->add_option("CHANNEL", options->channel, "Channel to publish to")->required();
  AddOptionalOption(*pub, "DATA", options->data,
                    "Message payload; '-' or absent: one message per stdin line");
  AddOptionalOption(*pub, "--key,-k", options->key,
                    "Idempotency key (see below for --count/stdin)");
  AddOptionalOption(*pub, "--count,-n", options->count, "Publish DATA N times")
      ->check(CLI::PositiveNumber);
  AddOptionalOption(*pub, "--rate,-r", options->rate, "Messages per second")
      ->check(CLI::PositiveNumber);
  pub->add_option("--timeout,-t", options->timeout, "Wait this long for each PublishAck")
      ->check(DurationFlag())
      ->type_name("DURATION")
      ->capture_default_str();
  pub->footer(std::string(kPubHelp) + kGlobalOptionsNote);
  return {pub, [=, &global] { return RunPub(global, *options, StandardIo()); }};
}

}  // namespace liminal::tools
