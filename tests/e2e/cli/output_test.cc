// How liminal_cli prints: JSON lines and payloads, error lines and exit codes, and the reply
// `liminal worker --exec` sends for each outcome of its command (ShellCommandRunner).
#include <signal.h>

#include <sstream>
#include <thread>

#include "client/client_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/command.h"
#include "tools/exit_status.h"
#include "tools/output_format.h"
#include "tools/shell_command.h"
#include "tools/worker_command.h"

namespace liminal::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(OutputFormatTest, JsonLineIsOneCompactLineInInsertionOrder) {
  std::ostringstream out;
  Json line = {{"b", 1}, {"a", "x\ny"}};
  WriteJsonLine(out, line);
  EXPECT_EQ(out.str(), "{\"b\":1,\"a\":\"x\\ny\"}\n");
}

TEST(OutputFormatTest, Utf8PayloadAsTextOtherwiseHex) {
  Json utf8;
  SetPayload(utf8, "héllo");
  EXPECT_EQ(utf8["payload"], "héllo");
  EXPECT_FALSE(utf8.contains("payload_hex"));
  Json binary;
  SetPayload(binary, std::string("\xff\x00\x01", 3), "reply");
  EXPECT_EQ(binary["reply_hex"], "ff0001");
  EXPECT_FALSE(binary.contains("reply"));
}

TEST(OutputFormatTest, SchemaIdHex) {
  protocol::SchemaId id{};
  id[0] = 0xab;
  id[31] = 0x01;
  const std::string hex = SchemaIdHex(id);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_THAT(hex, StartsWith("ab00"));
  EXPECT_EQ(hex.substr(62), "01");
}

TEST(ExitStatusTest, MapsClientErrorsToExitCodes) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), kExitOk);
  EXPECT_EQ(ExitCodeFor(client::ServerError(0x0100, "no such channel")), kExitFailure);
  EXPECT_EQ(ExitCodeFor(client::ClientTimeoutError("no PublishAck")), kExitFailure);
  EXPECT_EQ(ExitCodeFor(client::CancelledError("closed")), kExitFailure);
  EXPECT_EQ(ExitCodeFor(client::DisconnectedError("peer closed")), kExitConnection);
  EXPECT_EQ(ExitCodeFor(client::ProtocolError("bad frame")), kExitConnection);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("other")), kExitFailure);
}

TEST(ExitStatusTest, ReportNamesTheCommandAndTheServerReason) {
  std::ostringstream err;
  const int code = ReportFailure(err, "pub", "publish to 'nope' failed",
                                 client::ServerError(0x0100, "channel 'nope' is not configured"));
  EXPECT_EQ(code, kExitFailure);
  EXPECT_THAT(err.str(), StartsWith("liminal pub: publish to 'nope' failed: E_UNKNOWN_CHANNEL"));
  EXPECT_THAT(err.str(), HasSubstr("channel 'nope' is not configured"));
}

constexpr absl::Duration kCommandTimeout = absl::Seconds(20);

absl::StatusOr<ShellCommandResult> RunShellCommand(const std::string& command,
                                                   std::string_view input, absl::Duration timeout,
                                                   size_t max_output = kMaxShellOutputBytes) {
  ShellCommandRunner runner;
  return runner.Run(command, input, timeout, max_output);
}

TEST(ShellCommandTest, FeedsStdinAndCapturesStdout) {
  absl::StatusOr<ShellCommandResult> result =
      RunShellCommand("tr a-z A-Z", "hello", kCommandTimeout);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->succeeded());
  EXPECT_EQ(result->output, "HELLO");
  EXPECT_EQ(result->exit_status, 0);
}

TEST(ShellCommandTest, ReportsExitStatusAndSignal) {
  absl::StatusOr<ShellCommandResult> failed =
      RunShellCommand("echo oops; exit 3", "", kCommandTimeout);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->exit_status, 3);
  EXPECT_EQ(failed->output, "oops\n");
  EXPECT_FALSE(failed->succeeded());

  absl::StatusOr<ShellCommandResult> killed = RunShellCommand("kill -9 $$", "", kCommandTimeout);
  ASSERT_TRUE(killed.ok());
  EXPECT_EQ(killed->exit_status, std::nullopt);
  EXPECT_EQ(killed->term_signal, SIGKILL);
}

TEST(ShellCommandTest, KillsACommandThatRunsTooLong) {
  const absl::Time start = absl::Now();
  absl::StatusOr<ShellCommandResult> result =
      RunShellCommand("exec sleep 60", "", absl::Milliseconds(100));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->timed_out);
  EXPECT_FALSE(result->succeeded());
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
}

TEST(ShellCommandTest, CancelKillsTheRunningCommandAndRefusesLaterOnes) {
  ShellCommandRunner runner;
  const absl::Time start = absl::Now();
  // Cancel() may come before or during Run(): either way Run() ends cancelled, not after 60 s.
  std::thread canceller([&] { runner.Cancel(); });
  absl::StatusOr<ShellCommandResult> result = runner.Run("exec sleep 60", "", kCommandTimeout);
  canceller.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->cancelled);
  EXPECT_FALSE(result->succeeded());
  EXPECT_EQ(result->exit_status, std::nullopt);
  EXPECT_LT(absl::Now() - start, absl::Seconds(15));
  absl::StatusOr<ShellCommandResult> later = runner.Run("echo hi", "", kCommandTimeout);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->cancelled);
  EXPECT_EQ(later->output, "");
}

TEST(ShellCommandTest, CapsTheOutput) {
  absl::StatusOr<ShellCommandResult> result =
      RunShellCommand("printf 0123456789abcdef", "", kCommandTimeout, /*max_output=*/10);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->output_truncated);
  EXPECT_EQ(result->output, "0123456789");
}

TEST(ShellCommandTest, ACommandIgnoringItsInputDoesNotKillTheCaller) {
  // More than a pipe buffer of input that nobody reads: writing it hits EPIPE, not SIGPIPE.
  absl::StatusOr<ShellCommandResult> result =
      RunShellCommand("echo done", std::string(1 << 20, 'x'), kCommandTimeout);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->output, "done\n");
  EXPECT_EQ(result->exit_status, 0);
}

TEST(ShellCommandTest, DoesNotWaitForABackgroundChildHoldingStdout) {
  const absl::Time start = absl::Now();
  absl::StatusOr<ShellCommandResult> result =
      RunShellCommand("echo first; sleep 10 2>/dev/null & echo second", "", kCommandTimeout);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_status, 0);
  EXPECT_EQ(result->output, "first\nsecond\n");
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(WorkerReplyTest, OneReplyPerOutcome) {
  const absl::Duration timeout = absl::Seconds(30);
  EXPECT_EQ(WorkerReplyForCommand({.output = "HELLO\n", .exit_status = 0}, timeout), "HELLO");
  EXPECT_EQ(WorkerReplyForCommand({.output = "two\n\n", .exit_status = 0}, timeout), "two\n");
  EXPECT_EQ(WorkerReplyForCommand({.output = "oops\n", .exit_status = 3}, timeout),
            "error: exit status 3: oops");
  EXPECT_EQ(WorkerReplyForCommand({.output = "", .exit_status = 127}, timeout),
            "error: exit status 127");
  EXPECT_EQ(WorkerReplyForCommand({.term_signal = 9}, timeout), "error: killed by signal 9");
  EXPECT_EQ(WorkerReplyForCommand({.term_signal = 9, .timed_out = true}, timeout),
            "error: timed out after 30s");
  EXPECT_EQ(
      WorkerReplyForCommand({.output = "x", .exit_status = 0, .output_truncated = true}, timeout),
      "error: output larger than 1048576 bytes");
}

}  // namespace
}  // namespace liminal::tools
