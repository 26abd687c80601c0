#include "tools/sub_command.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/client_error.h"
#include "core/protocol/reason_code.h"
#include "tools/duration_flag.h"
#include "tools/exit_status.h"
#include "tools/interrupt_watcher.h"
#include "tools/long_run.h"
#include "tools/optional_option.h"
#include "tools/output_format.h"
#include "tools/server_connection.h"

namespace liminal::tools {
namespace {

constexpr char kSubHelp[] =
    R"(Output: one line per delivery on stdout: the payload as is, or with --json
  {"channel":"orders","seq":1,"payload":"...","schema_id":"<64 hex>","parent_id":null,
   "vector_clock":null}
(a payload that is not UTF-8 appears as "payload_hex"). Deliveries are acknowledged as
they are printed; at most --max-in-flight are unacknowledged at a time.

When the subscription is in place, "liminal sub: subscribed to '<channel>' ..." is printed
on stderr. The command ends after --count deliveries, after --timeout, on Ctrl-C, or when
the server ends the subscription. A subscriber that falls too far behind is shed by the
server (E_SLOW_CONSUMER); that is reported and exits with 1. With --count a progress line
is drawn on a terminal and a summary is printed at the end.

Examples:
  liminal sub orders
  liminal sub orders --json --count 10 --timeout 30s
  liminal sub audit --replay                 # durable channel: retained messages first
  liminal sub audit --from 1234              # durable channel: replay from message id 1234
  liminal sub audit --consumer billing       # durable channel: resume where "billing" left off
  liminal sub events | grep -i error

Exit codes: 0 ended by --count, --timeout without --count, or Ctrl-C; 1 the server refused
or shed the subscription, or --timeout passed before --count deliveries; 2 usage error;
3 cannot connect or connection lost.
)";

// Prints one delivery, leaving the flush to the caller (once per batch).
void PrintDelivery(const GlobalOptions& global, const std::string& channel,
                   const client::Delivery& delivery, const CommandIo& io) {
  if (!global.json) {
    WriteTextLine(io.out, delivery.payload, Flush::kByCaller);
    return;
  }
  Json line = {{"channel", channel}, {"seq", delivery.seq}};
  SetPayload(line, delivery.payload);
  line["schema_id"] = SchemaIdHex(delivery.schema_id);
  line["parent_id"] =
      delivery.causal.parent_id.has_value() ? Json(*delivery.causal.parent_id) : Json(nullptr);
  line["vector_clock"] = delivery.causal.vector_clock.has_value()
                             ? Json(*delivery.causal.vector_clock)
                             : Json(nullptr);
  WriteJsonLine(io.out, line, Flush::kByCaller);
}

}  // namespace

int RunSub(const GlobalOptions& global, const SubOptions& options, const CommandIo& io) {
  std::optional<absl::Duration> timeout;
  absl::StatusOr<absl::Duration> subscribe_timeout = ParseDurationFlag(options.subscribe_timeout);
  absl::Status usage = subscribe_timeout.status();
  if (options.timeout.has_value()) {
    absl::StatusOr<absl::Duration> parsed = ParseDurationFlag(*options.timeout);
    if (parsed.ok()) timeout = *parsed;
    usage.Update(parsed.status());
  }
  if (options.max_in_flight == 0) usage.Update(absl::InvalidArgumentError("--max-in-flight 0"));
  if (!usage.ok()) {
    io.err << "liminal sub: " << usage.message() << std::endl;
    return kExitUsage;
  }
  InterruptWatcher& watcher = InterruptWatcher::Install();
  absl::StatusOr<std::unique_ptr<client::BlockingClient>> client = ConnectToServer(global);
  if (!client.ok()) return ReportConnectFailure(io.err, "sub", client.status());

  client::SubscribeOptions subscribe;
  subscribe.max_in_flight = options.max_in_flight;
  subscribe.replay = options.replay;
  subscribe.replay_from = options.from;
  subscribe.consumer = options.consumer;
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<client::BlockingSubscription>> sub =
      (*client)->Subscribe(options.channel, *subscribe_timeout, subscribe);
  if (!sub.ok()) {
    return ReportFailure(io.err, "sub", absl::StrCat("subscribe to '", options.channel, "' failed"),
                         sub.status());
  }
  io.err << "liminal sub: subscribed to '" << options.channel << "' (subscription " << (*sub)->id()
         << ", max in flight " << options.max_in_flight << ")"
         << (options.count.has_value()
                 ? absl::StrCat(", until ", CountOf(*options.count, "message"))
                 : std::string())
         << "; Ctrl-C to stop" << std::endl;
  InterruptWatcher::Registration stop = watcher.OnInterrupt([&] { (*sub)->Unsubscribe(); });

  LongRun run({.command = "sub",
               .verb = "received",
               .total = options.count,
               .rate = std::nullopt,
               .summary = options.count.has_value(),
               .format = global.format()},
              io, watcher);
  const absl::Time deadline = timeout.has_value() ? start + *timeout : absl::InfiniteFuture();
  int exit_code = kExitOk;
  while (!options.count.has_value() || run.stats().messages() < *options.count) {
    // Every delivery queued so far (never more than --count still wants), printed with one
    // flush and acknowledged with one ack: a subscriber that keeps up pays per batch.
    const uint64_t wanted =
        options.count.has_value() ? *options.count - run.stats().messages() : options.max_in_flight;
    absl::StatusOr<std::vector<client::Delivery>> batch = (*sub)->NextBatch(
        std::min<uint64_t>(wanted, options.max_in_flight), deadline - absl::Now());
    if (batch.ok()) {
      run.ClearProgress();
      for (const client::Delivery& delivery : *batch) {
        PrintDelivery(global, options.channel, delivery, io);
      }
      io.out.flush();  // before the progress line is redrawn
      for (size_t i = 0; i < batch->size(); ++i) run.RecordSuccess();
      continue;
    }
    const absl::Status& status = batch.status();
    if (client::IsClientTimeout(status)) {
      if (options.count.has_value()) {
        exit_code = run.Fail(absl::StrCat("waiting for ", CountOf(*options.count, "message"),
                                          " on '", options.channel, "' failed"),
                             absl::DeadlineExceededError(
                                 absl::StrCat("timed out after ", absl::FormatDuration(*timeout),
                                              " with ", run.stats().messages(), " received")));
      }
      break;
    }
    if (status.code() == absl::StatusCode::kCancelled && watcher.interrupted()) break;
    if (client::GetReasonCode(status) == protocol::ToWire(protocol::ReasonCode::kSlowConsumer)) {
      exit_code =
          run.Fail(absl::StrCat("subscription to '", options.channel,
                                "' was shed by the server (this subscriber fell too far behind)"),
                   status);
      break;
    }
    exit_code = run.Fail(absl::StrCat("subscription to '", options.channel, "' ended"), status);
    break;
  }
  run.Finish();
  return exit_code;
}

Command AddSubCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<SubOptions>();
  CLI::App* sub = app.add_subcommand("sub", "Subscribe to a channel and print deliveries");
  sub->add_option("CHANNEL", options->channel, "Channel to subscribe to")->required();
  sub->add_option("--max-in-flight,-m", options->max_in_flight,
                  "Most unacknowledged deliveries the server may send ahead")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();
  AddOptionalOption(*sub, "--count,-n", options->count, "Stop after N deliveries")
      ->check(CLI::PositiveNumber);
  AddOptionalOption(*sub, "--timeout,-t", options->timeout,
                    "Stop after this long (an error if --count was not reached)")
      ->check(DurationFlag())
      ->type_name("DURATION");
  sub->add_flag("--replay", options->replay,
                "Durable channels: receive the retained messages first");
  AddOptionalOption(*sub, "--from", options->from,
                    "Durable channels: replay from this message id (implies --replay)")
      ->check(CLI::PositiveNumber)
      ->type_name("ID");
  AddOptionalOption(*sub, "--consumer", options->consumer,
                    "Durable channels: subscribe as this named consumer, which resumes after "
                    "the last message it acknowledged (implies --replay)")
      ->type_name("NAME");
  sub->add_option("--subscribe-timeout", options->subscribe_timeout,
                  "Wait this long for the SubscribeAck")
      ->check(DurationFlag())
      ->type_name("DURATION")
      ->capture_default_str();
  sub->footer(std::string(kSubHelp) + kGlobalOptionsNote);
  return {sub, [=, &global] { return RunSub(global, *options, StandardIo()); }};
}

}  // namespace liminal::tools
