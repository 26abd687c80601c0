// liminald's configuration and command line, through the real binary: what an operator sees.
// Exit codes: 0 ok, 1 invalid configuration, 2 usage, 3 start-up failure (daemon/exit_code.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "absl/strings/str_split.h"
#include "tests/e2e/support/daemon_process.h"
#include "tests/e2e/support/http_client.h"

namespace liminal::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr auto kTimeout = 10s;

// Runs liminald to completion; fails the test if it does not exit by itself.
DaemonProcess::Result RunToExit(DaemonProcessOptions options) {
  absl::StatusOr<DaemonProcess::Result> result = DaemonProcess::Run(std::move(options), kTimeout);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.value_or(DaemonProcess::Result{.exit_code = -999});
}

DaemonProcessOptions WithConfig(std::string toml) {
  DaemonProcessOptions options;
  options.config_toml = std::move(toml);
  return options;
}

TEST(DaemonConfigTest, UnknownKeyFailsNamingItsFullPath) {
  const DaemonProcess::Result r = RunToExit(WithConfig(R"(
[[channels]]
name = "orders"
[[channels]]
name = "audit"
retentoin = { max_messages = 5 }
)"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("channels[1].retentoin: unknown key (line 6)"));
  EXPECT_THAT(r.stdout_text, Not(HasSubstr("listening"))) << "must not announce";
}

TEST(DaemonConfigTest, AllErrorsAreReportedTogether) {
  const DaemonProcess::Result r = RunToExit(WithConfig(R"(
listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7400"
drain_timeout_ms = 0
[[channels]]
name = " "
[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
)"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("(5 errors)"));
  EXPECT_THAT(r.stderr_text,
              HasSubstr("health_listen_address: port 7400 is also the listen_address port"));
  EXPECT_THAT(r.stderr_text, HasSubstr("drain_timeout_ms: must be >= 1"));
  EXPECT_THAT(r.stderr_text, HasSubstr("channels[0].name: must not be empty"));
  EXPECT_THAT(r.stderr_text,
              HasSubstr("routing_rules[0].source_channel: unknown channel 'orders'"));
  EXPECT_THAT(r.stderr_text, HasSubstr("routing_rules[0].target_channel: unknown channel 'audit'"));
}

TEST(DaemonConfigTest, UnparseableEnvironmentOverrideNamesTheVariable) {
  DaemonProcessOptions options;
  options.env["LIMINAL_DRAIN_TIMEOUT_MS"] = "soon";
  const DaemonProcess::Result r = RunToExit(options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("LIMINAL_DRAIN_TIMEOUT_MS: 'soon' is not an integer"));
}

TEST(DaemonConfigTest, EnvironmentOverridesTheFile) {
  DaemonProcessOptions options =
      WithConfig("log_level = \"error\"\n" + std::string(kDefaultDaemonConfig));
  options.env["LIMINAL_LOG_LEVEL"] = "info";
  options.env["LIMINAL_MAX_CONNECTIONS"] = "77";
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  EXPECT_TRUE((*daemon)->process().WaitForStderrLine("max_connections=77", kTimeout).ok());
  EXPECT_EQ((*daemon)->Stop().value_or(-1), 0);
}

TEST(DaemonConfigTest, SyntaxErrorNamesFileLineAndColumn) {
  DaemonProcessOptions options =
      WithConfig("listen_address = \"127.0.0.1:7400\"\nhealth_listen_address = \n");
  const DaemonProcess::Result r = RunToExit(options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("liminald.toml:2:"));
  EXPECT_THAT(r.stderr_text, HasSubstr("TOML syntax error"));
}

TEST(DaemonConfigTest, MissingConfigFileIsAConfigError) {
  DaemonProcessOptions options;
  options.pass_config = false;
  options.args = {"--config", "/nonexistent/liminald.toml"};
  const DaemonProcess::Result r = RunToExit(options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text,
              HasSubstr("cannot read '/nonexistent/liminald.toml': No such file or directory"));
}

TEST(DaemonConfigTest, CheckAcceptsAValidConfig) {
  DaemonProcessOptions options;
  options.ephemeral_ports = false;
  options.args = {"--check"};
  const DaemonProcess::Result r = RunToExit(options);
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("configuration OK"));
  EXPECT_THAT(r.stdout_text, HasSubstr("3 channel(s)"));
  EXPECT_THAT(r.stdout_text, Not(HasSubstr("listening")));
}

TEST(DaemonConfigTest, CheckRejectsAnInvalidConfigNamingTheKey) {
  DaemonProcessOptions options = WithConfig("[limits]\nmax_frame_bytes = 12\n");
  options.args = {"--check"};
  const DaemonProcess::Result r = RunToExit(options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("limits.max_frame_bytes: must be between 1024"));
  EXPECT_THAT(r.stdout_text, IsEmpty());
}

TEST(DaemonConfigTest, BundledConfigsPassCheck) {
  for (const char* relative : {"config/liminald.toml", "config/examples/durable.toml"}) {
    DaemonProcessOptions options;
    options.pass_config = false;
    options.ephemeral_ports = false;
    options.args = {"--config", std::string(LIMINAL_SOURCE_DIR) + "/" + relative, "--check"};
    const DaemonProcess::Result r = RunToExit(options);
    EXPECT_EQ(r.exit_code, 0) << relative << ": " << r.stderr_text;
  }
}

TEST(DaemonConfigTest, UsageErrorsExitWithTwo) {
  DaemonProcessOptions no_config;
  no_config.pass_config = false;
  no_config.ephemeral_ports = false;
  DaemonProcess::Result r = RunToExit(no_config);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.stderr_text, HasSubstr("--config is required"));

  DaemonProcessOptions unknown_flag;
  unknown_flag.args = {"--frobnicate"};
  r = RunToExit(unknown_flag);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.stderr_text, HasSubstr("--frobnicate"));
}

TEST(DaemonConfigTest, HelpAndVersionExitWithZero) {
  DaemonProcessOptions help;
  help.pass_config = false;
  help.ephemeral_ports = false;
  help.args = {"--help"};
  DaemonProcess::Result r = RunToExit(help);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.stdout_text, HasSubstr("--ephemeral-ports"));

  DaemonProcessOptions version = help;
  version.args = {"--version"};
  r = RunToExit(version);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.stdout_text, HasSubstr("0."));
}

TEST(DaemonConfigTest, BadFlagValueNamesTheFlag) {
  DaemonProcessOptions options;
  options.args = {"--log-format", "xml"};
  const DaemonProcess::Result r = RunToExit(options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("--log-format: 'xml' is not one of"));
}

TEST(DaemonConfigTest, BindFailureExitsWithThreeNamingTheAddress) {
  absl::StatusOr<std::unique_ptr<DaemonProcess>> first = DaemonProcess::Start();
  ASSERT_TRUE(first.ok()) << first.status();
  DaemonProcessOptions options;
  options.ephemeral_ports = false;
  options.args = {"--listen", "127.0.0.1:1", "--health-listen", (*first)->health().ToString()};
  const DaemonProcess::Result r = RunToExit(options);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.stderr_text, HasSubstr("cannot bind health listener " +
                                       (*first)->health().ToString() + ": Address already in use"));
}

TEST(DaemonConfigTest, PortFileHoldsTheListeningLine) {
  DaemonProcessOptions options;
  options.args = {"--port-file", "ports.json"};  // relative to the daemon's working dir
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  std::ifstream in((*daemon)->dir() / "ports.json");
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), (*daemon)->stdout_text());
  EXPECT_EQ((*daemon)->Stop().value_or(-1), 0);
}

TEST(DaemonConfigTest, JsonLogsAreOneObjectPerLine) {
  DaemonProcessOptions options;
  options.env["LIMINAL_LOG_FORMAT"] = "json";
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  ASSERT_EQ((*daemon)->Stop().value_or(-1), 0);
  int lines = 0;
  for (absl::string_view line : absl::StrSplit((*daemon)->stderr_text(), '\n', absl::SkipEmpty())) {
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(entry.is_object()) << line;
    EXPECT_TRUE(entry["ts"].is_string()) << line;
    EXPECT_TRUE(entry["level"].is_string()) << line;
    EXPECT_TRUE(entry["msg"].is_string()) << line;
    ++lines;
  }
  EXPECT_GE(lines, 5);
}

TEST(DaemonConfigTest, FlagOverridesEnvironmentForLogFormat) {
  DaemonProcessOptions options;
  options.env["LIMINAL_LOG_FORMAT"] = "json";
  options.args = {"--log-format", "text"};
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  ASSERT_EQ((*daemon)->Stop().value_or(-1), 0);
  EXPECT_THAT((*daemon)->stderr_text(), Not(HasSubstr("{\"ts\"")));
  EXPECT_THAT((*daemon)->stderr_text(), HasSubstr(" info  liminald "));
}

TEST(DaemonConfigTest, UnknownLiminalVariablesAreWarnedAbout) {
  DaemonProcessOptions options;
  options.env["LIMINAL_LISTN"] = "127.0.0.1:1";
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  EXPECT_TRUE((*daemon)
                  ->process()
                  .WaitForStderrLine("unknown environment variable LIMINAL_LISTN", kTimeout)
                  .ok());
}

TEST(DaemonConfigTest, NonLoopbackListenerWithoutAuthIsWarnedAbout) {
  DaemonProcessOptions options =
      WithConfig("listen_address = \"0.0.0.0:7400\"\n[[channels]]\nname = \"a\"\n");
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  EXPECT_TRUE((*daemon)
                  ->process()
                  .WaitForStderrLine("is not loopback and auth is disabled", kTimeout)
                  .ok());

  DaemonProcessOptions with_auth = WithConfig(
      "listen_address = \"0.0.0.0:7400\"\n[auth]\ntokens = [\"t\"]\n[[channels]]\nname = \"a\"\n");
  daemon = DaemonProcess::Start(with_auth);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  ASSERT_EQ((*daemon)->Stop().value_or(-1), 0);
  EXPECT_THAT((*daemon)->stderr_text(), HasSubstr("auth: 1 shared token(s) accepted"));
  EXPECT_THAT((*daemon)->stderr_text(), Not(HasSubstr("not loopback")));
}

TEST(DaemonConfigTest, DurableChannelsWithFilesNextToTheConfig) {
  DaemonProcessOptions options = WithConfig(R"(
persistence_path = "data"
[auth]
token_file = "secrets/tokens.txt"
[[channels]]
name = "orders"
durable = true
schema_ref = "schemas/orders.json"
fsync = "always"
)");
  options.dirs = {"data"};
  options.files["schemas/orders.json"] = R"({"type":"object"})";
  options.files["secrets/tokens.txt"] = "alpha\nbeta\n";
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  ASSERT_EQ((*daemon)->Stop().value_or(-1), 0);
  const std::string log = (*daemon)->stderr_text();
  EXPECT_THAT(log,
              HasSubstr("channel 'orders': durable, schema " +
                        ((*daemon)->dir() / "schemas/orders.json").string() + ", fsync always"));
  EXPECT_THAT(log, HasSubstr("auth: 2 shared token(s) accepted"));
  EXPECT_THAT(log, HasSubstr("persistence_path=" + ((*daemon)->dir() / "data").string()));
}

TEST(DaemonConfigTest, MissingPersistencePathIsAConfigError) {
  DaemonProcessOptions options = WithConfig(R"(
persistence_path = "data"
[[channels]]
name = "orders"
durable = true
)");
  const DaemonProcess::Result r = RunToExit(options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.stderr_text, HasSubstr("persistence_path: '"));
  EXPECT_THAT(r.stderr_text, HasSubstr("/data' does not exist"));
}

}  // namespace
}  // namespace liminal::e2e
