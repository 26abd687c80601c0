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
#include "tools/publish_pipeline.h"
#include "tools/run_stats.h"

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

Stdin: with DATA "-" (or no DATA) every non-empty stdin line is one message.

Pipelining: up to --window publishes (default 1024) are sent before their PublishAcks
arrive; each one's publish->ack latency is still measured, and results are printed in
publish order. The run stops sending at the first failed publish; the ones already in
flight are still reported, each failure on its own line naming the message number.
With --rate the summary says when the requested rate was not held ("requested 50000
msg/s, achieved 31200 msg/s: the rate was not held").

Examples:
  liminal pub orders '{"id":17}'
  liminal pub orders '{"id":17}' --key order-17        # a re-run is not delivered again
  liminal pub events ping --count 10000 --rate 2000    # load run with a latency summary
  liminal pub events ping --count 2000000              # as fast as the server acks
  liminal pub events ping --count 1000 --window 1      # one publish at a time
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

// Prints one acknowledged message's line (single DATA or stdin input).
void PrintAck(const GlobalOptions& global, const PubOptions& options, const PublishOutcome& outcome,
              const CommandIo& io) {
  const client::PublishResult& ack = *outcome.result;
  if (global.json) {
    Json line = {
        {"channel", options.channel}, {"message_id", ack.message_id}, {"delivered", ack.delivered}};
    if (outcome.key.has_value()) line["key"] = *outcome.key;
    line["latency_ms"] = ToMilliseconds(outcome.latency);
    WriteJsonLine(io.out, line);
    return;
  }
  std::string text =
      absl::StrCat("id=", ack.message_id, " delivered=", ack.delivered ? "true" : "false");
  if (outcome.key.has_value()) absl::StrAppend(&text, " key=", *outcome.key);
  WriteTextLine(io.out, text);
}

}  // namespace

int RunPub(const GlobalOptions& global, const PubOptions& options, const CommandIo& io) {
  if (options.window == 0 || options.window > kMaxPublishWindow) {
    io.err << "liminal pub: --window must be between 1 and " << kMaxPublishWindow << std::endl;
    return kExitUsage;
  }
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
  const bool many = options.count.value_or(1) > 1 || setup.source->reads_lines();
  LongRun run({.command = "pub",
               .verb = "published",
               .total = setup.source->total(),
               .rate = options.rate,
               .summary = long_run,
               .format = global.format()},
              io, *setup.watcher);
  const std::string failed = absl::StrCat("publish to '", options.channel, "' failed");
  // Written by the outcome callback (under the pipeline's lock), read after Drain().
  int exit_code = kExitOk;
  PublishPipeline pipeline(
      setup.client->connection(),
      {.channel = options.channel, .window = options.window, .ack_timeout = setup.timeout},
      [&](const PublishOutcome& outcome) {
        if (!outcome.result.ok()) {
          const int code =
              run.Fail(many ? absl::StrCat(failed, " (message ", outcome.index, ")") : failed,
                       outcome.result.status());
          if (exit_code == kExitOk) exit_code = code;
          return;
        }
        run.RecordSuccess(outcome.latency);
        if (!each) return;
        run.ClearProgress();
        PrintAck(global, options, outcome, io);
      });
  while (run.WaitForTurn()) {
    std::optional<std::string> payload = setup.source->Next();
    if (!payload.has_value()) break;
    client::PublishOptions publish;
    publish.idempotency_key = KeyFor(options, *setup.source);
    if (!pipeline.Publish(*std::move(payload), std::move(publish))) break;
  }
  const uint64_t abandoned = pipeline.Drain();
  if (abandoned > 0) {
    run.ClearProgress();
    io.err << "liminal pub: stopped waiting for the acks of " << CountOf(abandoned, "more message")
           << " sent after it" << std::endl;
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
  pub->add_option("--window,-w", options->window,
                  "Most publishes unacknowledged at a time (1: one at a time)")
      ->check(CLI::Range(1u, kMaxPublishWindow))
      ->capture_default_str();
  pub->add_option("--timeout,-t", options->timeout, "Wait this long for each PublishAck")
      ->check(DurationFlag())
      ->type_name("DURATION")
      ->capture_default_str();
  pub->footer(std::string(kPubHelp) + kGlobalOptionsNote);
  return {pub, [=, &global] { return RunPub(global, *options, StandardIo()); }};
}

}  // namespace liminal::tools
