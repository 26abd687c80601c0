#include "core/config/env_overrides.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config/config_errors.h"
#include "core/config/server_config.h"

namespace liminal::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Apply(const EnvironmentMap& env, ServerConfig& config) {
  ConfigErrors errors;
  ApplyEnvOverrides(env, config, errors);
  return std::string(errors.ToStatus().message());
}

TEST(EnvOverridesTest, AppliesEveryScalarOverride) {
  const EnvironmentMap env = {
      {"LIMINAL_LISTEN", "0.0.0.0:9000"},
      {"LIMINAL_HEALTH_LISTEN", "[::1]:9001"},
      {"LIMINAL_SCHEDULER_THREADS", "3"},
      {"LIMINAL_DRAIN_TIMEOUT_MS", " 250 "},
      {"LIMINAL_PERSISTENCE_PATH", "relative/dir"},
      {"LIMINAL_LOG_FORMAT", "json"},
      {"LIMINAL_LOG_LEVEL", "debug"},
      {"LIMINAL_MAX_FRAME_BYTES", "2048"},
      {"LIMINAL_MAX_CONNECTIONS", "7"},
      {"LIMINAL_MAX_OUTBOUND_BYTES", "4096"},
      {"LIMINAL_HANDSHAKE_TIMEOUT_MS", "11"},
      {"LIMINAL_IDLE_TIMEOUT_MS", "12"},
      {"LIMINAL_CONVERSATION_REPLY_TIMEOUT_MS", "13"},
      {"LIMINAL_DEDUP_WINDOW_MS", "14"},
      {"LIMINAL_MAX_SUBSCRIPTIONS_PER_CONNECTION", "15"},
      {"LIMINAL_SUBSCRIPTION_PENDING_LIMIT", "16"},
      {"LIMINAL_AUTH_TOKENS", "alpha, beta"},
  };
  ServerConfig config;
  config.auth.token_file = "/etc/liminal/tokens";
  EXPECT_EQ(Apply(env, config), "");
  EXPECT_EQ(config.listen, (HostPort{"0.0.0.0", 9000}));
  EXPECT_EQ(config.health_listen, (HostPort{"::1", 9001}));
  EXPECT_EQ(config.scheduler_threads, 3);
  EXPECT_EQ(config.drain_timeout_ms, 250);
  EXPECT_EQ(config.persistence_path, "relative/dir");
  EXPECT_EQ(config.log_format, LogFormat::kJson);
  EXPECT_EQ(config.log_level, LogLevel::kDebug);
  EXPECT_EQ(config.max_frame_bytes, 2048);
  EXPECT_EQ(config.max_connections, 7);
  EXPECT_EQ(config.max_outbound_bytes, 4096);
  EXPECT_EQ(config.handshake_timeout_ms, 11);
  EXPECT_EQ(config.idle_timeout_ms, 12);
  EXPECT_EQ(config.conversation_reply_timeout_ms, 13);
  EXPECT_EQ(config.dedup_window_ms, 14);
  EXPECT_EQ(config.max_subscriptions_per_connection, 15);
  EXPECT_EQ(config.subscription_pending_limit, 16);
  EXPECT_THAT(config.auth.tokens, ElementsAre("alpha", "beta"));
  EXPECT_FALSE(config.auth.token_file.has_value()) << "LIMINAL_AUTH_TOKENS replaces token_file";
  EXPECT_EQ(env.size(), EnvOverrides().size()) << "every override is exercised above";
}

TEST(EnvOverridesTest, AbsentVariablesLeaveTheConfigAlone) {
  ServerConfig config;
  config.drain_timeout_ms = 42;
  EXPECT_EQ(Apply({{"PATH", "/bin"}}, config), "");
  EXPECT_EQ(config.drain_timeout_ms, 42);
}

TEST(EnvOverridesTest, EachUnparseableValueIsAnErrorNamingTheVariable) {
  ServerConfig config;
  const std::string errors = Apply(
      {
          {"LIMINAL_MAX_CONNECTIONS", "12x"},
          {"LIMINAL_LISTEN", "nowhere"},
          {"LIMINAL_LOG_FORMAT", "xml"},
          {"LIMINAL_DRAIN_TIMEOUT_MS", "99999999999999999999"},
          {"LIMINAL_MAX_FRAME_BYTES", "4096"},
      },
      config);
  EXPECT_THAT(errors, HasSubstr("(4 errors)"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_MAX_CONNECTIONS: '12x' is not an integer (overrides "
                                "max_connections)"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_LISTEN: expected host:port, got 'nowhere'"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_LOG_FORMAT: 'xml' is not one of"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_DRAIN_TIMEOUT_MS:"));
  EXPECT_EQ(config.max_frame_bytes, 4096) << "valid overrides still apply";
  EXPECT_EQ(config.max_connections, 10000) << "a bad override leaves the value alone";
}

TEST(EnvOverridesTest, EmptyValueIsAnError) {
  ServerConfig config;
  EXPECT_THAT(Apply({{"LIMINAL_PERSISTENCE_PATH", " "}}, config),
              HasSubstr("LIMINAL_PERSISTENCE_PATH: is empty (unset it to keep the file's value)"));
  EXPECT_FALSE(config.persistence_path.has_value());
}

TEST(EnvOverridesTest, AuthTokensRejectEmptyItems) {
  ServerConfig config;
  config.auth.tokens = {"kept"};
  EXPECT_THAT(Apply({{"LIMINAL_AUTH_TOKENS", "a,,b"}}, config),
              HasSubstr("LIMINAL_AUTH_TOKENS: contains an empty token"));
  EXPECT_THAT(config.auth.tokens, ElementsAre("kept"));
}

TEST(EnvOverridesTest, ListsTheOverridesTheSpecRequires) {
  std::vector<std::string> variables;
  for (const EnvOverrideInfo& info : EnvOverrides()) variables.emplace_back(info.variable);
  for (const char* required :
       {"LIMINAL_LISTEN", "LIMINAL_HEALTH_LISTEN", "LIMINAL_SCHEDULER_THREADS",
        "LIMINAL_DRAIN_TIMEOUT_MS", "LIMINAL_PERSISTENCE_PATH", "LIMINAL_LOG_FORMAT",
        "LIMINAL_LOG_LEVEL", "LIMINAL_MAX_FRAME_BYTES", "LIMINAL_MAX_CONNECTIONS",
        "LIMINAL_AUTH_TOKENS"}) {
    EXPECT_THAT(variables, testing::Contains(required));
  }
}

TEST(EnvOverridesTest, ReportsUnknownLiminalVariables) {
  EXPECT_THAT(UnknownEnvOverrides({{"LIMINAL_LISTN", "x"},
                                   {"LIMINAL_LISTEN", "127.0.0.1:1"},
                                   {"HOME", "/root"},
                                   {"LIMINAL_A", ""}}),
              ElementsAre("LIMINAL_A", "LIMINAL_LISTN"));
  EXPECT_THAT(UnknownEnvOverrides({}), IsEmpty());
}

}  // namespace
}  // namespace liminal::config
