// The `liminal` command-line client end to end: the built tools/liminal binary run as a
// subprocess against the real liminald (DaemonProcess) for every command — pub, sub, req,
// worker, ping — plus the global options (--server / LIMINAL_SERVER, --token /
// LIMINAL_TOKEN, --json), the exit codes (0 ok, 1 server/operation error, 2 usage,
// 3 connection), --help, the progress line on a terminal, and `frame` still working.
// Every wait is on an output line or an exit, with a deadline; nothing sleeps.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/cli/liminal_cli.h"
#include "tests/e2e/support/daemon_process.h"
#include "tests/unit/client/fake_server.h"

namespace liminal::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using Json = nlohmann::json;

class CliE2eTest : public ::testing::Test {
 protected:
  virtual DaemonProcessOptions DaemonOptions() { return {}; }

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(DaemonOptions());
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
    cli_.emplace(server());
  }

  std::string server() const { return daemon_->listen().ToString(); }

  // Runs liminal --server <daemon> <args> to completion.
  CliRun Run(std::vector<std::string> args, CliOptions options = {}) {
    absl::StatusOr<CliRun> run = cli_->Run(std::move(args), std::move(options));
    EXPECT_TRUE(run.ok()) << run.status();
    return run.ok() ? *std::move(run) : CliRun{};
  }

  // Starts liminal --server <daemon> <args> in the background.
  std::unique_ptr<Subprocess> Start(std::vector<std::string> args, CliOptions options = {}) {
    absl::StatusOr<std::unique_ptr<Subprocess>> process =
        cli_->Start(std::move(args), std::move(options));
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  }

  // Starts `liminal sub <args>` and waits until it is subscribed.
  std::unique_ptr<Subprocess> StartSubscribed(std::vector<std::string> args) {
    args.insert(args.begin(), "sub");
    std::unique_ptr<Subprocess> sub = Start(std::move(args));
    if (sub == nullptr) return nullptr;
    absl::StatusOr<std::string> ready = sub->WaitForStderrLine("subscribed", kCliDeadline);
    EXPECT_TRUE(ready.ok()) << ready.status();
    return sub;
  }

  // Starts `liminal worker <args>` and waits until it is registered.
  std::unique_ptr<Subprocess> StartWorker(std::vector<std::string> args) {
    args.insert(args.begin(), "worker");
    std::unique_ptr<Subprocess> worker = Start(std::move(args));
    if (worker == nullptr) return nullptr;
    absl::StatusOr<std::string> ready = worker->WaitForStderrLine("registered", kCliDeadline);
    EXPECT_TRUE(ready.ok()) << ready.status();
    return worker;
  }

  static int ExitCode(Subprocess& process) {
    absl::StatusOr<int> code = process.WaitForExit(kCliDeadline);
    EXPECT_TRUE(code.ok()) << code.status();
    return code.value_or(-1);
  }

  std::unique_ptr<DaemonProcess> daemon_;
  std::optional<LiminalCli> cli_;
};

// A loopback port that refuses connections: bound, never listening.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

const Json& Summary(const std::vector<Json>& lines) {
  static const Json kNone;
  if (lines.empty() || !lines.back().contains("summary")) return kNone;
  return lines.back()["summary"];
}

// --- ping -----------------------------------------------------------------------------------

TEST_F(CliE2eTest, PingPrintsTheRoundTripTime) {
  const CliRun run = Run({"ping"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.OutLines(), ElementsAre(MatchesRegex(absl::StrCat(
                                  "pong from ", server(), ": seq=1 time=[0-9]+\\.[0-9]{3} ms"))));
  EXPECT_EQ(run.err, "");
}

TEST_F(CliE2eTest, PingCountPrintsEachRttThenTheirSummary) {
  const CliRun run = Run({"ping", "--count", "3", "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<Json> lines = run.OutJson();
  ASSERT_THAT(lines, SizeIs(4)) << run.out;
  double max_rtt = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(lines[i]["seq"], i + 1);
    EXPECT_EQ(lines[i]["server"], server());
    ASSERT_TRUE(lines[i]["rtt_ms"].is_number()) << lines[i];
    EXPECT_GT(lines[i]["rtt_ms"].get<double>(), 0);
    max_rtt = std::max(max_rtt, lines[i]["rtt_ms"].get<double>());
  }
  const Json& summary = Summary(lines);
  EXPECT_EQ(summary["command"], "ping");
  EXPECT_EQ(summary["messages"], 3);
  EXPECT_EQ(summary["errors"], 0);
  const Json& latency = summary["latency_ms"];
  EXPECT_LE(latency["p50"].get<double>(), latency["p90"].get<double>());
  EXPECT_LE(latency["p90"].get<double>(), latency["p99"].get<double>());
  EXPECT_LE(latency["p99"].get<double>(), latency["max"].get<double>());
  EXPECT_DOUBLE_EQ(latency["max"].get<double>(), max_rtt);
}

// --- pub ------------------------------------------------------------------------------------

TEST_F(CliE2eTest, PubPrintsTheMessageIdAndDeliveredFlag) {
  const CliRun first = Run({"pub", "events", "hello"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.OutLines(), ElementsAre("id=1 delivered=false"));
  const CliRun second = Run({"pub", "events", "again"});
  EXPECT_THAT(second.OutLines(), ElementsAre("id=2 delivered=false"));
}

TEST_F(CliE2eTest, PubJsonPrintsOneObjectPerMessage) {
  const CliRun run = Run({"pub", "orders", R"({"id":1})", "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<Json> lines = run.OutJson();
  ASSERT_THAT(lines, SizeIs(1)) << run.out;
  EXPECT_EQ(lines[0]["channel"], "orders");
  EXPECT_EQ(lines[0]["message_id"], 1);
  EXPECT_EQ(lines[0]["delivered"], false);
  EXPECT_TRUE(lines[0]["latency_ms"].is_number());
  EXPECT_FALSE(lines[0].contains("key"));
}

TEST_F(CliE2eTest, PubWithTheSameKeyGetsTheSameIdAndIsNotDeliveredTwice) {
  std::unique_ptr<Subprocess> sub = StartSubscribed({"events", "--count", "2"});
  ASSERT_NE(sub, nullptr);
  const CliRun first = Run({"pub", "events", "first", "--key", "order-17", "--json"});
  const CliRun duplicate = Run({"pub", "events", "first", "--key", "order-17", "--json"});
  const CliRun after = Run({"pub", "events", "after", "--json"});
  ASSERT_THAT(first.OutJson(), SizeIs(1)) << first.err;
  ASSERT_THAT(duplicate.OutJson(), SizeIs(1)) << duplicate.err;
  ASSERT_THAT(after.OutJson(), SizeIs(1)) << after.err;
  EXPECT_EQ(first.OutJson()[0]["message_id"], 1);
  EXPECT_EQ(first.OutJson()[0]["delivered"], true);
  EXPECT_EQ(first.OutJson()[0]["key"], "order-17");
  EXPECT_EQ(duplicate.OutJson()[0]["message_id"], 1);
  EXPECT_EQ(duplicate.OutJson()[0]["delivered"], false);
  EXPECT_EQ(duplicate.exit_code, 0);
  EXPECT_EQ(after.OutJson()[0]["message_id"], 2);
  EXPECT_EQ(after.OutJson()[0]["delivered"], true);
  // The subscriber saw the keyed message once.
  EXPECT_EQ(ExitCode(*sub), 0) << sub->stderr_text();
  EXPECT_EQ(sub->stdout_text(), "first\nafter\n");
}

TEST_F(CliE2eTest, PubStdinLinesWithAKeyAreDeduplicatedLineByLineOnARerun) {
  const CliOptions input{.stdin_text = "a\n\nb\n"};
  const CliRun first = Run({"pub", "events", "-", "--key", "batch", "--json"}, input);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  const std::vector<Json> lines = first.OutJson();
  ASSERT_THAT(lines, SizeIs(2)) << first.out;  // the blank line is skipped
  EXPECT_EQ(lines[0]["key"], "batch-1");
  EXPECT_EQ(lines[0]["message_id"], 1);
  EXPECT_EQ(lines[1]["key"], "batch-2");
  EXPECT_EQ(lines[1]["message_id"], 2);

  const CliRun rerun = Run({"pub", "events", "-", "--key", "batch"}, input);
  EXPECT_THAT(rerun.OutLines(),
              ElementsAre("id=1 delivered=false key=batch-1", "id=2 delivered=false key=batch-2"));
  // Without a key the next message gets a new id.
  EXPECT_THAT(Run({"pub", "events", "-"}, input).OutLines(),
              ElementsAre("id=3 delivered=false", "id=4 delivered=false"));
}

TEST_F(CliE2eTest, PubToAnUnknownChannelNamesTheReasonAndFails) {
  const CliRun run = Run({"pub", "nope", "hello"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, StartsWith("liminal pub: publish to 'nope' failed: E_UNKNOWN_CHANNEL"));
}

TEST_F(CliE2eTest, PubCountPrintsOnlyASummary) {
  const CliRun run = Run({"pub", "events", "x", "--count", "20"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, MatchesRegex("pub: published 20 messages in [0-9.]+ s \\([0-9.]+/s\\), "
                                    "0 errors; latency ms p50 [0-9.]+ p90 [0-9.]+ p99 [0-9.]+ "
                                    "max [0-9.]+\n"));
  EXPECT_THAT(run.err, Not(HasSubstr("\r"))) << "progress drawn without a terminal";
  EXPECT_THAT(Run({"pub", "events", "next"}).OutLines(), ElementsAre("id=21 delivered=false"));
}

TEST_F(CliE2eTest, PubRateSpacesTheMessages) {
  // 20 messages at 400/s: the last one leaves 19 intervals (47.5 ms) after the first.
  const CliRun run = Run({"pub", "events", "x", "--count", "20", "--rate", "400", "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<Json> lines = run.OutJson();
  ASSERT_THAT(lines, SizeIs(1)) << run.out;
  const Json& summary = Summary(lines);
  EXPECT_EQ(summary["messages"], 20);
  EXPECT_GE(summary["elapsed_s"].get<double>(), 0.0475);
  EXPECT_LE(summary["rate_per_s"].get<double>(), 421.0);
  EXPECT_TRUE(summary["latency_ms"].contains("p99"));
  EXPECT_EQ(summary["requested_rate_per_s"], 400.0);
  EXPECT_TRUE(summary["rate_held"].is_boolean());
}

TEST_F(CliE2eTest, PubRateSummarySaysWhenTheRateWasNotHeld) {
  // A billion messages a second cannot be reached: every publish waits for its ack at the
  // end, so 5 messages take at least one round trip.
  const CliRun json = Run({"pub", "events", "x", "--count", "5", "--rate", "1000000000", "--json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  const std::vector<Json> lines = json.OutJson();
  const Json& summary = Summary(lines);
  EXPECT_EQ(summary["messages"], 5);
  EXPECT_EQ(summary["requested_rate_per_s"], 1e9);
  EXPECT_EQ(summary["rate_held"], false);
  EXPECT_LT(summary["rate_per_s"].get<double>(), 1e9);

  // One publish at a time (--window 1) cannot reach a million a second either.
  const CliRun text =
      Run({"pub", "events", "x", "--count", "50", "--rate", "1000000", "--window", "1"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.err, MatchesRegex("pub: published 50 messages in .*\n"
                                     "pub: requested 1000000 msg/s, achieved [0-9]+ msg/s: "
                                     "the rate was not held\n"));
}

TEST_F(CliE2eTest, PubReportsEveryFailedPublishOfAPipelinedRun) {
  const CliRun run = Run({"pub", "nope", "x", "--count", "3", "--json"});
  EXPECT_EQ(run.exit_code, 1);
  const std::vector<std::string> errors = absl::StrSplit(run.err, '\n', absl::SkipEmpty());
  ASSERT_THAT(errors, Not(IsEmpty()));
  for (size_t i = 0; i < errors.size(); ++i) {
    EXPECT_THAT(errors[i],
                StartsWith(absl::StrCat("liminal pub: publish to 'nope' failed (message ", i + 1,
                                        "): E_UNKNOWN_CHANNEL (0x0100)")));
  }
  const std::vector<Json> lines = run.OutJson();
  const Json& summary = Summary(lines);
  EXPECT_EQ(summary["messages"], 0);
  EXPECT_EQ(summary["errors"], errors.size());
}

TEST_F(CliE2eTest, ProgressLineIsDrawnOnATerminalOnly) {
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "no script(1) for a pty";
  // script(1) runs the command on a pseudo-terminal and copies what it prints.
  const std::string command = absl::StrCat(LiminalBinary().string(), " --server ", server(),
                                           " pub events x --count 5 --rate 100");
  absl::StatusOr<std::unique_ptr<Subprocess>> script =
      Subprocess::Spawn({.binary = "/usr/bin/script", .args = {"-qefc", command, "/dev/null"}});
  ASSERT_TRUE(script.ok()) << script.status();
  absl::StatusOr<std::string> summary =
      (*script)->WaitForStdoutLine("pub: published 5 messages", kCliDeadline);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(ExitCode(**script), 0);
  const std::string out = (*script)->stdout_text();
  EXPECT_THAT(out, ContainsRegex("\rpub: [1-5]/5 published, [0-9.]+/s, 0 errors"));
  EXPECT_THAT(out, HasSubstr("\x1b[K"));
}

// --- sub ------------------------------------------------------------------------------------

TEST_F(CliE2eTest, SubReceivesWhatPubSends) {
  std::unique_ptr<Subprocess> sub = StartSubscribed({"events", "--count", "3", "--json"});
  ASSERT_NE(sub, nullptr);
  const CliRun pub = Run({"pub", "events", "-"}, {.stdin_text = "one\ntwo\nthree\n"});
  EXPECT_EQ(pub.exit_code, 0) << pub.err;
  EXPECT_THAT(pub.OutLines(),
              ElementsAre("id=1 delivered=true", "id=2 delivered=true", "id=3 delivered=true"));
  ASSERT_EQ(ExitCode(*sub), 0) << sub->stderr_text();
  const CliRun received{.exit_code = 0, .out = sub->stdout_text(), .err = ""};
  const std::vector<Json> lines = received.OutJson();
  ASSERT_THAT(lines, SizeIs(4)) << received.out;
  const std::vector<std::string> payloads = {"one", "two", "three"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(lines[i]["channel"], "events");
    EXPECT_EQ(lines[i]["seq"], i + 1);
    EXPECT_EQ(lines[i]["payload"], payloads[i]);
    EXPECT_THAT(lines[i]["schema_id"].get<std::string>(), MatchesRegex("[0-9a-f]{64}"));
    EXPECT_TRUE(lines[i]["parent_id"].is_null());
  }
  EXPECT_EQ(Summary(lines)["messages"], 3);
  EXPECT_EQ(Summary(lines)["command"], "sub");
}

TEST_F(CliE2eTest, SubPrintsPayloadsAsTextAndASummaryOnStderr) {
  std::unique_ptr<Subprocess> sub = StartSubscribed({"events", "--count", "2"});
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(Run({"pub", "events", "m1"}).exit_code, 0);
  EXPECT_EQ(Run({"pub", "events", "m2 with spaces"}).exit_code, 0);
  ASSERT_EQ(ExitCode(*sub), 0) << sub->stderr_text();
  EXPECT_EQ(sub->stdout_text(), "m1\nm2 with spaces\n");
  EXPECT_THAT(sub->stderr_text(), HasSubstr("liminal sub: subscribed to 'events'"));
  EXPECT_THAT(sub->stderr_text(), HasSubstr("sub: received 2 messages in"));
}

TEST_F(CliE2eTest, SubToAnUnknownChannelFails) {
  const CliRun run = Run({"sub", "nope", "--count", "1"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("subscribe to 'nope' failed: E_UNKNOWN_CHANNEL"));
  EXPECT_THAT(run.err, Not(HasSubstr("subscribed")));
}

TEST_F(CliE2eTest, SubTimeoutBeforeCountIsAnError) {
  const CliRun run = Run({"sub", "events", "--count", "1", "--timeout", "200ms"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err,
              HasSubstr("waiting for 1 message on 'events' failed: timed out after 200ms with 0 "
                        "received"));
}

TEST_F(CliE2eTest, SubTimeoutWithoutCountEndsCleanly) {
  const CliRun run = Run({"sub", "events", "--timeout", "100ms"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST_F(CliE2eTest, SubStopsCleanlyOnCtrlC) {
  std::unique_ptr<Subprocess> sub = StartSubscribed({"events"});
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(Run({"pub", "events", "before-ctrl-c"}).exit_code, 0);
  ASSERT_TRUE(sub->WaitForStdoutLine("before-ctrl-c", kCliDeadline).ok());
  ASSERT_TRUE(sub->Signal(SIGINT).ok());
  EXPECT_EQ(ExitCode(*sub), 0) << sub->stderr_text();
}

class CliShedTest : public CliE2eTest {
 protected:
  DaemonProcessOptions DaemonOptions() override {
    DaemonProcessOptions options;
    options.config_toml =
        absl::StrCat(kDefaultDaemonConfig, "\n[limits]\nmax_subscription_inbox_depth = 1\n");
    return options;
  }
};

TEST_F(CliShedTest, SubReportsBeingShedAsASlowConsumer) {
  std::unique_ptr<Subprocess> sub = StartSubscribed({"events", "--max-in-flight", "1"});
  ASSERT_NE(sub, nullptr);
  // A stopped subscriber acknowledges nothing: one delivery in flight, one pending, and the
  // next publish overflows the pending queue of 1.
  ASSERT_TRUE(sub->Signal(SIGSTOP).ok());
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(sub->pid()), &info, WSTOPPED | WNOWAIT), 0);
  // One publish at a time, so the first delivery reaches the subscriber's socket before the
  // third overflows the queue (a pipelined burst may shed it before anything is written).
  const CliRun pub = Run({"pub", "events", "m", "--count", "5", "--window", "1"});
  EXPECT_EQ(pub.exit_code, 0) << pub.err;
  ASSERT_TRUE(sub->Signal(SIGCONT).ok());
  EXPECT_EQ(ExitCode(*sub), 1);
  EXPECT_THAT(sub->stderr_text(),
              HasSubstr("subscription to 'events' was shed by the server (this subscriber fell "
                        "too far behind): E_SLOW_CONSUMER (0x0102)"));
  EXPECT_THAT(sub->stdout_text(), StartsWith("m\n"));
}

// A subscriber that may fall behind a pipelined publisher without being shed.
class CliPipelineTest : public CliE2eTest {
 protected:
  DaemonProcessOptions DaemonOptions() override {
    DaemonProcessOptions options;
    options.config_toml =
        absl::StrCat(kDefaultDaemonConfig, "\n[limits]\nmax_subscription_inbox_depth = 100000\n");
    return options;
  }

  // The subscriber's payloads once it has received `count` messages, the last of which is
  // the "end" marker published after the run: a lost or duplicated message shows.
  std::vector<std::string> ReceivedUntilEnd(Subprocess& sub) {
    EXPECT_EQ(Run({"pub", "events", "end"}).exit_code, 0);
    EXPECT_EQ(ExitCode(sub), 0) << sub.stderr_text();
    return absl::StrSplit(sub.stdout_text(), '\n', absl::SkipEmpty());
  }
};

TEST_F(CliPipelineTest, PipelinedCountDeliversEveryMessageExactlyOnce) {
  constexpr int kMessages = 5000;
  std::unique_ptr<Subprocess> sub =
      StartSubscribed({"events", "--count", absl::StrCat(kMessages + 1), "-m", "1024"});
  ASSERT_NE(sub, nullptr);
  const CliRun pub = Run({"pub", "events", "x", "--count", absl::StrCat(kMessages), "--json"});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  const std::vector<Json> lines = pub.OutJson();
  EXPECT_EQ(Summary(lines)["messages"], kMessages);
  std::vector<std::string> expected(kMessages, "x");
  expected.push_back("end");
  EXPECT_EQ(ReceivedUntilEnd(*sub), expected);
}

TEST_F(CliPipelineTest, PipelinedStdinPublishesInOrderAndPrintsResultsInOrder) {
  constexpr int kMessages = 3000;
  std::string lines;
  std::vector<std::string> expected;
  for (int i = 1; i <= kMessages; ++i) {
    absl::StrAppend(&lines, "m", i, "\n");
    expected.push_back(absl::StrCat("m", i));
  }
  expected.push_back("end");
  std::unique_ptr<Subprocess> sub =
      StartSubscribed({"events", "--count", absl::StrCat(kMessages + 1), "-m", "1024"});
  ASSERT_NE(sub, nullptr);
  const CliRun pub =
      Run({"pub", "events", "-", "--key", "line", "--window", "100"}, {.stdin_text = lines});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  const std::vector<std::string> results = pub.OutLines();
  ASSERT_THAT(results, SizeIs(kMessages));
  for (int i = 1; i <= kMessages; ++i) {
    ASSERT_EQ(results[i - 1], absl::StrCat("id=", i, " delivered=true key=line-", i));
  }
  EXPECT_EQ(ReceivedUntilEnd(*sub), expected);
}

// --- req ------------------------------------------------------------------------------------

TEST_F(CliE2eTest, ReqPrintsTheEchoedReply) {
  const CliRun run = Run({"req", "anything", "hello there"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hello there\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(CliE2eTest, ReqJson) {
  const CliRun run = Run({"req", "pricing", R"({"sku":"A1"})", "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<Json> lines = run.OutJson();
  ASSERT_THAT(lines, SizeIs(1)) << run.out;
  EXPECT_EQ(lines[0]["subject"], "pricing");
  EXPECT_EQ(lines[0]["reply"], R"({"sku":"A1"})");
  EXPECT_TRUE(lines[0]["latency_ms"].is_number());
}

TEST_F(CliE2eTest, ReqStdinSendsOneRequestPerLine) {
  const CliRun run = Run({"req", "echo", "-"}, {.stdin_text = "a\nb\nc"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.OutLines(), ElementsAre("a", "b", "c"));
}

TEST_F(CliE2eTest, ReqCountPrintsALatencySummary) {
  const CliRun run = Run({"req", "echo", "x", "--count", "5", "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<Json> lines = run.OutJson();
  ASSERT_THAT(lines, SizeIs(1)) << run.out;
  EXPECT_EQ(Summary(lines)["command"], "req");
  EXPECT_EQ(Summary(lines)["messages"], 5);
  EXPECT_TRUE(Summary(lines)["latency_ms"].contains("p50"));
}

TEST_F(CliE2eTest, ReqToAQueueWithoutWorkersFails) {
  const CliRun run = Run({"req", "worker.nobody", "hi"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("request to 'worker.nobody' failed: E_PARTICIPANT_CRASHED"));
}

// --- worker ---------------------------------------------------------------------------------

TEST_F(CliE2eTest, WorkerEchoAnswersRequestsOnItsQueue) {
  std::unique_ptr<Subprocess> worker =
      StartWorker({"--task-queue", "emails", "--identity", "w1", "--echo", "--count", "1"});
  ASSERT_NE(worker, nullptr);
  const CliRun req = Run({"req", "worker.emails", "hello"});
  EXPECT_EQ(req.exit_code, 0) << req.err;
  EXPECT_EQ(req.out, "hello\n");
  EXPECT_EQ(ExitCode(*worker), 0) << worker->stderr_text();
  EXPECT_EQ(worker->stdout_text(), "hello\n");
  EXPECT_THAT(worker->stderr_text(),
              HasSubstr("registered 'w1' on task queue 'emails' (namespaces default)"));
}

TEST_F(CliE2eTest, WorkerExecRepliesWithTheCommandOutput) {
  std::unique_ptr<Subprocess> worker =
      StartWorker({"-q", "upper", "-I", "w2", "--namespace", "ns1", "--activity-type", "t",
                   "--node", "n1", "--exec", "tr a-z A-Z", "--count", "2", "--json"});
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(Run({"req", "worker.upper", "hello"}).out, "HELLO\n");
  EXPECT_EQ(Run({"req", "worker.upper", "bye"}).out, "BYE\n");
  EXPECT_EQ(ExitCode(*worker), 0) << worker->stderr_text();
  const CliRun printed{.exit_code = 0, .out = worker->stdout_text(), .err = ""};
  const std::vector<Json> lines = printed.OutJson();
  ASSERT_THAT(lines, SizeIs(3)) << printed.out;
  EXPECT_EQ(lines[0]["payload"], "hello");
  EXPECT_EQ(lines[0]["reply"], "HELLO");
  EXPECT_EQ(lines[0]["ok"], true);
  EXPECT_TRUE(lines[0]["correlation_id"].is_number());
  EXPECT_NE(lines[0]["correlation_id"], lines[1]["correlation_id"]);
  EXPECT_EQ(lines[1]["reply"], "BYE");
  EXPECT_EQ(Summary(lines)["messages"], 2);
}

TEST_F(CliE2eTest, WorkerExecFailureRepliesWithAnErrorText) {
  std::unique_ptr<Subprocess> worker =
      StartWorker({"-q", "fails", "-I", "w3", "--exec", "echo oops; exit 3", "--count", "1"});
  ASSERT_NE(worker, nullptr);
  const CliRun req = Run({"req", "worker.fails", "x"});
  EXPECT_EQ(req.exit_code, 0) << req.err;
  EXPECT_EQ(req.out, "error: exit status 3: oops\n");
  EXPECT_EQ(ExitCode(*worker), 0);
  EXPECT_THAT(worker->stderr_text(), HasSubstr("replied \"error: exit status 3: oops\""));
}

TEST_F(CliE2eTest, WorkersOfAQueueShareItsRequests) {
  std::unique_ptr<Subprocess> a =
      StartWorker({"-q", "shared", "-I", "a", "--echo", "--count", "1"});
  std::unique_ptr<Subprocess> b =
      StartWorker({"-q", "shared", "-I", "b", "--echo", "--count", "1"});
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Run({"req", "worker.shared", "one"}).out, "one\n");
  EXPECT_EQ(Run({"req", "worker.shared", "two"}).out, "two\n");
  EXPECT_EQ(ExitCode(*a), 0) << a->stderr_text();
  EXPECT_EQ(ExitCode(*b), 0) << b->stderr_text();
  EXPECT_EQ(a->stdout_text() + b->stdout_text(), "one\ntwo\n");
}

TEST_F(CliE2eTest, WorkerStopsCleanlyOnCtrlC) {
  std::unique_ptr<Subprocess> worker = StartWorker({"-q", "idle", "-I", "w4", "--echo"});
  ASSERT_NE(worker, nullptr);
  ASSERT_TRUE(worker->Signal(SIGINT).ok());
  EXPECT_EQ(ExitCode(*worker), 0) << worker->stderr_text();
}

class CliShortReplyTimeoutTest : public CliE2eTest {
 protected:
  DaemonProcessOptions DaemonOptions() override {
    DaemonProcessOptions options;
    options.config_toml =
        absl::StrCat(kDefaultDaemonConfig, "\n[limits]\nconversation_reply_timeout_ms = 1000\n");
    return options;
  }
};

TEST_F(CliShortReplyTimeoutTest, CtrlCStopsAWorkerInTheMiddleOfACommand) {
  std::unique_ptr<Subprocess> worker = StartWorker(
      {"-q", "slow", "-I", "w5", "--exec", "echo started >&2; exec sleep 60 2>/dev/null"});
  ASSERT_NE(worker, nullptr);
  std::unique_ptr<Subprocess> req = Start({"req", "worker.slow", "x", "--timeout", "60s"});
  ASSERT_NE(req, nullptr);
  ASSERT_TRUE(worker->WaitForStderrLine("started", kCliDeadline).ok());
  ASSERT_TRUE(worker->Signal(SIGINT).ok());
  // Well before the 30 s --exec-timeout and the 60 s sleep: the command was killed.
  EXPECT_EQ(ExitCode(*worker), 0) << worker->stderr_text();
  EXPECT_EQ(worker->stdout_text(), "") << "a cancelled push is not reported as answered";
  // The requester gets an error, not a reply (liminald: E_REPLY_TIMEOUT once
  // conversation_reply_timeout_ms has passed).
  EXPECT_EQ(ExitCode(*req), 1);
  EXPECT_EQ(req->stdout_text(), "");
  EXPECT_THAT(req->stderr_text(), HasSubstr("request to 'worker.slow' failed: E_"));
}

TEST(CliWorkerRejectionTest, PrintsTheServersReasonAndFails) {
  // liminald itself accepts every registration; a scripted server gives the rejection.
  client::test_support::FakeServer server(
      [](client::test_support::FakeSession& session, const protocol::Frame& frame) {
        if (client::test_support::AnswerHandshake(session, frame)) return;
        if (std::holds_alternative<protocol::WorkerRegister>(frame.body)) {
          session.Send(protocol::MakeFrame(
              protocol::WorkerRegisterAck{"task queue 'emails' is closed for maintenance"}));
        }
      });
  const LiminalCli cli(absl::StrCat("127.0.0.1:", server.port()));
  absl::StatusOr<CliRun> run = cli.Run({"worker", "-q", "emails", "-I", "w1", "--echo"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 1);
  EXPECT_EQ(run->err,
            "liminal worker: registration rejected by the server: task queue 'emails' is closed "
            "for maintenance\n");
}

// --- global options, exit codes, help -------------------------------------------------------

TEST_F(CliE2eTest, ServerComesFromTheEnvironment) {
  const LiminalCli no_server = LiminalCli::NoServer();
  absl::StatusOr<CliRun> run = no_server.Run({"ping"}, {.env = {{"LIMINAL_SERVER", server()}}});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 0) << run->err;
  EXPECT_THAT(run->out, HasSubstr(absl::StrCat("pong from ", server())));
}

TEST_F(CliE2eTest, ServerFlagWinsOverTheEnvironment) {
  const RefusingPort refused;
  const LiminalCli no_server = LiminalCli::NoServer();
  absl::StatusOr<CliRun> flag_good = no_server.Run(
      {"ping", "--server", server()}, {.env = {{"LIMINAL_SERVER", refused.address()}}});
  ASSERT_TRUE(flag_good.ok()) << flag_good.status();
  EXPECT_EQ(flag_good->exit_code, 0) << flag_good->err;
  absl::StatusOr<CliRun> flag_bad = no_server.Run({"ping", "--server", refused.address()},
                                                  {.env = {{"LIMINAL_SERVER", server()}}});
  ASSERT_TRUE(flag_bad.ok()) << flag_bad.status();
  EXPECT_EQ(flag_bad->exit_code, 3);
}

TEST_F(CliE2eTest, GlobalOptionsMayComeBeforeTheCommand) {
  absl::StatusOr<CliRun> run =
      LiminalCli::NoServer().Run({"--server", server(), "--json", "pub", "events", "x"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 0) << run->err;
  ASSERT_THAT(run->OutJson(), SizeIs(1));
  EXPECT_EQ(run->OutJson()[0]["message_id"], 1);
}

TEST(CliConnectionTest, RefusedConnectionExitsWith3AndSaysWhere) {
  const RefusingPort refused;
  const LiminalCli cli(refused.address());
  const std::vector<std::vector<std::string>> commands = {
      {"ping"},
      {"pub", "events", "x"},
      {"sub", "events"},
      {"req", "echo", "x"},
      {"worker", "-q", "q", "-I", "w", "--echo"}};
  for (const std::vector<std::string>& command : commands) {
    SCOPED_TRACE(absl::StrJoin(command, " "));
    absl::StatusOr<CliRun> run = cli.Run(command);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_code, 3);
    EXPECT_EQ(run->out, "");
    EXPECT_THAT(run->err,
                StartsWith(absl::StrCat("liminal ", command[0], ": cannot connect to liminald at ",
                                        refused.address(), ": ")));
    EXPECT_THAT(run->err, HasSubstr("refused"));
  }
}

TEST(CliUsageTest, UsageErrorsExitWith2) {
  const LiminalCli cli = LiminalCli::NoServer();
  const std::vector<std::vector<std::string>> commands = {
      {},
      {"no-such-command"},
      {"pub"},
      {"pub", "events", "x", "--count", "0"},
      {"pub", "events", "-", "--count", "2"},
      {"pub", "events", "x", "--rate", "-5"},
      {"pub", "events", "x", "--window", "0"},
      {"pub", "events", "x", "--window", "2000000"},
      {"pub", "events", "x", "--window", "many"},
      {"pub", "events", "x", "--timeout", "soon"},
      {"pub", "events", "x", "--no-such-flag"},
      {"sub"},
      {"sub", "events", "--max-in-flight", "0"},
      {"req"},
      {"worker", "-q", "q", "-I", "w"},
      {"worker", "-q", "q", "-I", "w", "--echo", "--exec", "cat"},
      {"worker", "-I", "w", "--echo"},
      {"ping", "--count", "0"},
      {"ping", "--server", "127.0.0.1:0"},
      {"ping", "--server", "::1:7400"},
      {"ping", "--connect-timeout", "-1s"}};
  for (const std::vector<std::string>& command : commands) {
    SCOPED_TRACE(absl::StrJoin(command, " "));
    absl::StatusOr<CliRun> run = cli.Run(command);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_code, 2) << run->err;
    EXPECT_THAT(run->err, Not(IsEmpty()));
  }
}

TEST(CliUsageTest, BadServerInTheEnvironmentIsAUsageError) {
  absl::StatusOr<CliRun> run =
      LiminalCli::NoServer().Run({"ping"}, {.env = {{"LIMINAL_SERVER", "host:notaport"}}});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 2);
  EXPECT_THAT(run->err, HasSubstr("invalid server address 'host:notaport'"));
}

TEST(CliUsageTest, EveryCommandHasHelpWithExamples) {
  const LiminalCli cli = LiminalCli::NoServer();
  absl::StatusOr<CliRun> top = cli.Run({"--help"});
  ASSERT_TRUE(top.ok()) << top.status();
  EXPECT_EQ(top->exit_code, 0);
  for (const char* text : {"pub", "sub", "req", "worker", "ping", "frame", "LIMINAL_SERVER",
                           "LIMINAL_TOKEN", "--json", "Exit codes:"}) {
    EXPECT_THAT(top->out, HasSubstr(text));
  }
  for (const char* command : {"pub", "sub", "req", "worker", "ping"}) {
    SCOPED_TRACE(command);
    absl::StatusOr<CliRun> run = cli.Run({command, "--help"});
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_code, 0);
    EXPECT_THAT(run->out, HasSubstr(absl::StrCat("Usage: liminal ", command)));
    EXPECT_THAT(run->out, HasSubstr("Examples:"));
    EXPECT_THAT(run->out, HasSubstr("Exit codes:"));
    EXPECT_THAT(run->out, HasSubstr("--server"));
  }
}

TEST(CliUsageTest, FrameStillWorks) {
  absl::StatusOr<CliRun> run =
      LiminalCli::NoServer().Run({"frame", "decode", "13000000000000000000"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 0) << run->err;
  EXPECT_THAT(run->out, HasSubstr(R"("type":"Ping")"));
}

// --- authentication -------------------------------------------------------------------------

class CliAuthTest : public CliE2eTest {
 protected:
  DaemonProcessOptions DaemonOptions() override {
    DaemonProcessOptions options;
    options.config_toml = absl::StrCat(kDefaultDaemonConfig, "\n[auth]\ntokens = [\"s3cret\"]\n");
    return options;
  }
};

TEST_F(CliAuthTest, TokenFromTheFlagOrTheEnvironment) {
  EXPECT_EQ(Run({"ping", "--token", "s3cret"}).exit_code, 0);
  const CliRun from_env = Run({"ping"}, {.env = {{"LIMINAL_TOKEN", "s3cret"}}});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
}

TEST_F(CliAuthTest, AWrongTokenIsAConnectionFailure) {
  const CliRun run = Run({"pub", "events", "x", "--token", "wrong"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("cannot connect to liminald at"));
  EXPECT_THAT(run.err, HasSubstr("AuthenticationFailure"));
}

}  // namespace
}  // namespace liminal::e2e
