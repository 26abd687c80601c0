#include "tools/ping_command.h"

#include <memory>

#include "absl/strings/str_format.h"
#include "tools/duration_flag.h"
#include "tools/interrupt_watcher.h"
#include "tools/long_run.h"
#include "tools/optional_option.h"
#include "tools/output_format.h"
#include "tools/server_address.h"
#include "tools/server_connection.h"

namespace liminal::tools {
namespace {

constexpr char kPingHelp[] = R"(Output: one line per ping on stdout,
  pong from 127.0.0.1:7400: seq=1 time=0.142 ms            (text)
  {"server":"127.0.0.1:7400","seq":1,"rtt_ms":0.142}         (--json)
With --count a progress line is drawn on a terminal and a summary (pings, elapsed, rate,
rtt p50/p90/p99/max) goes to stderr, or to stdout as {"summary":{...}} with --json.
Pings are sent one after the other, --interval apart (default: back to back).

Examples:
  liminal ping
  liminal ping --count 5 --interval 1s
  LIMINAL_SERVER=10.0.0.5:7400 liminal ping --count 1000 --json | tail -1

Exit codes: 0 every ping answered, 1 a Pong did not come within --timeout, 2 usage error,
3 cannot connect or connection lost.
)";

}  // namespace

int RunPing(const GlobalOptions& global, const PingOptions& options, const CommandIo& io) {
  absl::StatusOr<absl::Duration> interval = ParseDurationFlag(options.interval);
  absl::StatusOr<absl::Duration> timeout = ParseDurationFlag(options.timeout);
  for (const absl::Status& status : {interval.status(), timeout.status()}) {
    if (!status.ok()) {
      io.err << "liminal ping: " << status.message() << std::endl;
      return kExitUsage;
    }
  }
  InterruptWatcher& watcher = InterruptWatcher::Install();
  absl::StatusOr<std::unique_ptr<client::BlockingClient>> client = ConnectToServer(global);
  if (!client.ok()) return ReportConnectFailure(io.err, "ping", client.status());
  const std::string server = ParseServerAddress(global.server)->ToString();

  const uint64_t count = options.count.value_or(1);
  LongRun run({.command = "ping",
               .verb = "answered",
               .noun = "ping",
               .total = count,
               .rate = std::nullopt,
               .summary = options.count.has_value(),
               .format = global.format()},
              io, watcher);
  int exit_code = kExitOk;
  absl::Time next = absl::Now();
  for (uint64_t seq = 1; seq <= count && run.WaitForTurn(); ++seq) {
    if (seq > 1 && !watcher.SleepUntil(next)) break;
    next = absl::Now() + *interval;
    absl::StatusOr<absl::Duration> rtt = (*client)->Ping(*timeout);
    if (!rtt.ok()) {
      exit_code = run.Fail(absl::StrFormat("ping %d failed", seq), rtt.status());
      break;
    }
    run.RecordSuccess(*rtt);
    run.ClearProgress();
    if (global.json) {
      WriteJsonLine(io.out,
                    Json{{"server", server}, {"seq", seq}, {"rtt_ms", ToMilliseconds(*rtt)}});
    } else {
      WriteTextLine(io.out, absl::StrFormat("pong from %s: seq=%d time=%.3f ms", server, seq,
                                            ToMilliseconds(*rtt)));
    }
  }
  run.Finish();
  return exit_code;
}

Command AddPingCommand(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<PingOptions>();
  CLI::App* ping = app.add_subcommand("ping", "Measure the round-trip time to liminald");
  AddOptionalOption(*ping, "--count,-n", options->count, "Send N pings and print a summary")
      ->check(CLI::PositiveNumber);
  ping->add_option("--interval,-i", options->interval, "Pause between pings")
      ->check(DurationFlag())
      ->type_name("DURATION")
      ->capture_default_str();
  ping->add_option("--timeout,-t", options->timeout, "Wait this long for each Pong")
      ->check(DurationFlag())
      ->type_name("DURATION")
      ->capture_default_str();
  ping->footer(std::string(kPingHelp) + kGlobalOptionsNote);
  return {ping, [=, &global] { return RunPing(global, *options, StandardIo()); }};
}

}  // namespace liminal::tools
