#include "core/config/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/config/server_config.h"

namespace liminal::config {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// A valid config with two channels and a rule, for the tests to break one rule at a time.
ServerConfig ValidConfig() {
  ServerConfig config;
  config.channels.push_back({.name = "orders", .schema_ref = "orders-v1"});
  config.channels.push_back({.name = "audit"});
  config.routing_rules.push_back({.source = "orders", .target = "audit"});
  return config;
}

std::string Errors(const ServerConfig& config) {
  absl::Status status = Validate(config);
  EXPECT_FALSE(status.ok()) << "expected a validation error";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

TEST(ValidateTest, DefaultsAndTheBaseConfigAreValid) {
  EXPECT_TRUE(Validate(ServerConfig{}).ok());
  EXPECT_TRUE(Validate(ValidConfig()).ok()) << Validate(ValidConfig());
}

TEST(ValidateTest, DocumentedDefaults) {
  const ServerConfig config;
  EXPECT_EQ(config.listen, (HostPort{"127.0.0.1", 7400}));
  EXPECT_EQ(config.health_listen, (HostPort{"127.0.0.1", 7401}));
  EXPECT_EQ(config.scheduler_threads, 0);
  EXPECT_EQ(config.drain_timeout_ms, 5000);
  EXPECT_FALSE(config.persistence_path.has_value());
  EXPECT_EQ(config.log_format, LogFormat::kText);
  EXPECT_EQ(config.log_level, LogLevel::kInfo);
  EXPECT_EQ(config.max_frame_bytes, 1048576);
  EXPECT_EQ(config.max_connections, 10000);
  EXPECT_EQ(config.max_outbound_bytes, 8388608);
  EXPECT_EQ(config.handshake_timeout_ms, 10000);
  EXPECT_EQ(config.idle_timeout_ms, 0);
  EXPECT_EQ(config.conversation_reply_timeout_ms, 5000);
  EXPECT_EQ(config.dedup_window_ms, 300000);
  EXPECT_EQ(config.max_subscriptions_per_connection, 1024);
  EXPECT_EQ(config.subscription_pending_limit, 1024);
  EXPECT_EQ(ChannelConfig{}.fsync, FsyncPolicy::kGroup);
  EXPECT_FALSE(ChannelConfig{}.durable);
}

TEST(ValidateTest, PortsMustBeNonZero) {
  ServerConfig config = ValidConfig();
  config.listen.port = 0;
  EXPECT_THAT(Errors(config), HasSubstr("listen: port must be non-zero, got '127.0.0.1:0'"));
  config = ValidConfig();
  config.health_listen.port = 0;
  EXPECT_THAT(Errors(config), HasSubstr("health_listen: port must be non-zero"));
}

TEST(ValidateTest, PortsMustDiffer) {
  ServerConfig config = ValidConfig();
  config.health_listen = {"::1", 7400};
  EXPECT_THAT(Errors(config), HasSubstr("health_listen: port 7400 is also the listen port"));
}

TEST(ValidateTest, HostsMustNotBeEmpty) {
  ServerConfig config = ValidConfig();
  config.listen.host = "";
  EXPECT_THAT(Errors(config), HasSubstr("listen: host must not be empty"));
}

TEST(ValidateTest, DrainTimeoutMustBePositive) {
  for (int64_t value : {0, -5}) {
    ServerConfig config = ValidConfig();
    config.drain_timeout_ms = value;
    EXPECT_THAT(Errors(config), HasSubstr("drain_timeout_ms: must be >= 1"));
  }
  ServerConfig config = ValidConfig();
  config.drain_timeout_ms = 1;
  EXPECT_TRUE(Validate(config).ok());
}

TEST(ValidateTest, SchedulerThreadsRange) {
  ServerConfig config = ValidConfig();
  config.scheduler_threads = -1;
  EXPECT_THAT(Errors(config), HasSubstr("scheduler_threads: must be between 0"));
  config.scheduler_threads = 1025;
  EXPECT_THAT(Errors(config), HasSubstr("scheduler_threads"));
  config.scheduler_threads = 1024;
  EXPECT_TRUE(Validate(config).ok());
}

TEST(ValidateTest, LimitRanges) {
  struct Case {
    int64_t ServerConfig::*member;
    int64_t bad;
    const char* message;
  };
  for (const Case& c : {
           Case{&ServerConfig::max_frame_bytes, 1023, "max_frame_bytes: must be between 1024"},
           Case{&ServerConfig::max_frame_bytes, (int64_t{1} << 30) + 1, "max_frame_bytes"},
           Case{&ServerConfig::max_connections, 0, "max_connections: must be >= 1"},
           Case{&ServerConfig::handshake_timeout_ms, 0, "handshake_timeout_ms: must be >= 1"},
           Case{&ServerConfig::idle_timeout_ms, -1, "idle_timeout_ms: must be >= 0"},
           Case{&ServerConfig::conversation_reply_timeout_ms, 0,
                "conversation_reply_timeout_ms: must be >= 1"},
           Case{&ServerConfig::dedup_window_ms, 0, "dedup_window_ms: must be >= 1"},
           Case{&ServerConfig::max_subscriptions_per_connection, 0,
                "max_subscriptions_per_connection: must be >= 1"},
           Case{&ServerConfig::subscription_pending_limit, -3,
                "subscription_pending_limit: must be >= 1"},
       }) {
    ServerConfig config = ValidConfig();
    config.*c.member = c.bad;
    EXPECT_THAT(Errors(config), HasSubstr(c.message)) << c.message;
  }
}

TEST(ValidateTest, OutboundQueueMustHoldOneFrame) {
  ServerConfig config = ValidConfig();
  config.max_frame_bytes = 4096;
  config.max_outbound_bytes = 4095;
  EXPECT_THAT(Errors(config), HasSubstr("max_outbound_bytes: must be >= max_frame_bytes (4096)"));
  config.max_outbound_bytes = 4096;
  EXPECT_TRUE(Validate(config).ok());
}

TEST(ValidateTest, ChannelNamesMustBeNonEmptyOnceTrimmed) {
  ServerConfig config = ValidConfig();
  config.channels.push_back({.name = " \t "});
  EXPECT_THAT(Errors(config), HasSubstr("channels[2].name: must not be empty"));
}

TEST(ValidateTest, ChannelNamesMustBeUniqueOnceTrimmed) {
  ServerConfig config = ValidConfig();
  config.channels.push_back({.name = " orders "});
  EXPECT_THAT(Errors(config),
              HasSubstr("channels[2].name: 'orders' is already used by channels[0]"));
}

TEST(ValidateTest, DurableChannelsNeedPersistencePath) {
  ServerConfig config = ValidConfig();
  config.channels[1].durable = true;
  EXPECT_THAT(Errors(config),
              HasSubstr("channels[1].durable: channel 'audit' is durable but persistence_path"));
  config.persistence_path = "/var/lib/liminal";
  EXPECT_TRUE(Validate(config).ok());
}

TEST(ValidateTest, RetentionMustNotBeNegative) {
  ServerConfig config = ValidConfig();
  config.channels[0].retention = {.max_messages = -1, .max_bytes = -2, .max_age_ms = -3};
  EXPECT_THAT(Errors(config), AllOf(HasSubstr("channels[0].retention.max_messages: must be >= 0"),
                                    HasSubstr("channels[0].retention.max_bytes"),
                                    HasSubstr("channels[0].retention.max_age_ms")));
}

TEST(ValidateTest, PresentPathsMustNotBeBlank) {
  ServerConfig config = ValidConfig();
  config.persistence_path = " ";
  config.auth.token_file = "";
  config.channels[0].schema = "";
  EXPECT_THAT(Errors(config), AllOf(HasSubstr("persistence_path: must not be empty"),
                                    HasSubstr("auth.token_file: must not be empty"),
                                    HasSubstr("channels[0].schema: must not be empty")));
}

TEST(ValidateTest, TokensMustNotBeEmpty) {
  ServerConfig config = ValidConfig();
  config.auth.tokens = {"good", ""};
  EXPECT_THAT(Errors(config), HasSubstr("auth.tokens[1]: must not be empty"));
}

TEST(ValidateTest, RoutingRulesMustNameKnownChannels) {
  ServerConfig config = ValidConfig();
  config.routing_rules.push_back({.source = "nowhere", .target = "audit"});
  config.routing_rules.push_back({.source = "orders", .target = "elsewhere"});
  config.routing_rules.push_back({.source = "", .target = "audit"});
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("routing_rules[1].source: unknown channel 'nowhere'"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[2].target: unknown channel 'elsewhere'"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[3].source: must name a channel"));
  EXPECT_THAT(errors, Not(HasSubstr("routing_rules[0]")));
}

TEST(ValidateTest, RoutingRuleMatchesTrimmedChannelNames) {
  ServerConfig config = ValidConfig();
  config.channels[1].name = " audit ";
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
}

TEST(ValidateTest, RoutingRuleCannotTargetItsSource) {
  ServerConfig config = ValidConfig();
  config.routing_rules[0].target = "orders";
  EXPECT_THAT(Errors(config), HasSubstr("routing_rules[0]: source and target are both 'orders'"));
}

TEST(ValidateTest, PredicateWhenPresentMustNotBeBlank) {
  ServerConfig config = ValidConfig();
  config.routing_rules[0].predicate = "  ";
  EXPECT_THAT(Errors(config), HasSubstr("routing_rules[0].predicate: must not be empty"));
  config.routing_rules[0].predicate = "amount > 10";
  EXPECT_TRUE(Validate(config).ok());
}

TEST(ValidateTest, ReportsEveryErrorTogether) {
  ServerConfig config = ValidConfig();
  config.listen.port = 0;
  config.drain_timeout_ms = 0;
  config.channels.push_back({.name = ""});
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("invalid configuration (3 errors):\n  - "));
  EXPECT_THAT(errors, HasSubstr("\n  - listen: "));
  EXPECT_THAT(errors, HasSubstr("\n  - drain_timeout_ms: "));
  EXPECT_THAT(errors, HasSubstr("\n  - channels[2].name: "));
}

TEST(ValidateTest, SingleErrorReadsAsOneLine) {
  ServerConfig config = ValidConfig();
  config.max_connections = 0;
  EXPECT_EQ(Errors(config), "invalid configuration: max_connections: must be >= 1, got 0");
}

TEST(ConfigErrorsTest, NamesTheSource) {
  ConfigErrors errors;
  EXPECT_TRUE(errors.ToStatus("x.toml").ok());
  errors.Add("listen", "bad");
  EXPECT_EQ(errors.ToStatus("x.toml").message(), "invalid configuration in x.toml: listen: bad");
}

TEST(EnumNamesTest, ParseAndNameRoundTrip) {
  for (const char* name : {"text", "json"}) EXPECT_EQ(LogFormatName(*ParseLogFormat(name)), name);
  for (const char* name : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    EXPECT_EQ(LogLevelName(*ParseLogLevel(name)), name);
  }
  for (const char* name : {"always", "group", "never"}) {
    EXPECT_EQ(FsyncPolicyName(*ParseFsyncPolicy(name)), name);
  }
  EXPECT_THAT(std::string(ParseFsyncPolicy("sometimes").status().message()),
              HasSubstr(R"('sometimes' is not one of "always", "group", "never")"));
  EXPECT_FALSE(ParseLogLevel("INFO").ok());
}

}  // namespace
}  // namespace liminal::config
