#include "core/config/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "core/config/server_config.h"

namespace liminal::config {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A valid config with two channels and a rule, for the tests to break one rule at a time.
ServerConfig ValidConfig() {
  ServerConfig config;
  config.channels.push_back({.name = "orders", .schema_ref = "/etc/liminal/orders.schema.json"});
  config.channels.push_back({.name = "audit"});
  config.routing_rules.push_back({.source_channel = "orders", .target_channel = "audit"});
  return config;
}

// A [cluster] section with every field valid (validation still refuses the section).
ClusterConfig ValidCluster() {
  return ClusterConfig{.node_name = "node-a",
                       .listen_address = HostPort{"0.0.0.0", 7500},
                       .seed_nodes = {"node-b@10.0.0.2", "node-c@10.0.0.3"},
                       .cookie = "secret-cookie"};
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
  EXPECT_EQ(config.listen_address, (HostPort{"127.0.0.1", 7400}));
  EXPECT_EQ(config.health_listen_address, (HostPort{"127.0.0.1", 7401}));
  EXPECT_EQ(config.scheduler_threads, 0);
  EXPECT_EQ(config.drain_timeout_ms, 5000);
  EXPECT_FALSE(config.persistence_path.has_value());
  EXPECT_EQ(config.log_format, LogFormat::kText);
  EXPECT_EQ(config.log_level, LogLevel::kInfo);
  EXPECT_FALSE(config.auth.token.has_value());
  EXPECT_THAT(config.auth.tokens, IsEmpty());
  EXPECT_FALSE(config.auth.token_file.has_value());
  EXPECT_EQ(config.services.profile, ServicesProfile::kFull);
  EXPECT_FALSE(config.cluster.has_value());
  const LimitsConfig& limits = config.limits;
  EXPECT_EQ(limits.max_connections, 10000);
  EXPECT_EQ(limits.max_subscriptions_per_connection, 1024);
  EXPECT_EQ(limits.max_conversations_per_connection, 32);
  EXPECT_EQ(limits.max_pending_pushes_per_connection, 32);
  EXPECT_EQ(limits.max_pending_conversation_replies_per_connection, 32);
  EXPECT_EQ(limits.max_pending_replies_per_conversation, 8);
  EXPECT_EQ(limits.max_connection_inbox_bytes, 4194304);
  EXPECT_EQ(limits.max_subscription_inbox_depth, 1024);
  EXPECT_EQ(limits.max_frame_bytes, 16777216);
  EXPECT_EQ(limits.max_outbound_bytes, 16777216);
  EXPECT_EQ(limits.handshake_timeout_ms, 10000);
  EXPECT_EQ(limits.idle_timeout_ms, 0);
  EXPECT_EQ(limits.conversation_reply_timeout_ms, 5000);
  EXPECT_EQ(limits.dedup_window_ms, 300000);
  EXPECT_EQ(ChannelConfig{}.fsync, FsyncPolicy::kAlways);
  EXPECT_FALSE(ChannelConfig{}.durable);
  EXPECT_FALSE(ChannelConfig{}.schema_ref.has_value());
  EXPECT_EQ(ChannelConfig{}.schema_document, "");
}

TEST(ValidateTest, PortsMustBeNonZero) {
  ServerConfig config = ValidConfig();
  config.listen_address.port = 0;
  EXPECT_THAT(Errors(config),
              HasSubstr("listen_address: port must be non-zero, got '127.0.0.1:0'"));
  config = ValidConfig();
  config.health_listen_address.port = 0;
  EXPECT_THAT(Errors(config), HasSubstr("health_listen_address: port must be non-zero"));
}

TEST(ValidateTest, PortsMustDiffer) {
  ServerConfig config = ValidConfig();
  config.health_listen_address = {"::1", 7400};
  EXPECT_THAT(Errors(config),
              HasSubstr("health_listen_address: port 7400 is also the listen_address port"));
}

TEST(ValidateTest, HostsMustNotBeEmpty) {
  ServerConfig config = ValidConfig();
  config.listen_address.host = "";
  EXPECT_THAT(Errors(config), HasSubstr("listen_address: host must not be empty"));
  config = ValidConfig();
  config.health_listen_address.host = "";
  EXPECT_THAT(Errors(config), HasSubstr("health_listen_address: host must not be empty"));
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
    int64_t LimitsConfig::*member;
    int64_t bad;
    const char* message;
  };
  for (const Case& c : {
           Case{&LimitsConfig::max_frame_bytes, 1023,
                "limits.max_frame_bytes: must be between 1024"},
           Case{&LimitsConfig::max_frame_bytes, (int64_t{1} << 30) + 1, "limits.max_frame_bytes"},
           Case{&LimitsConfig::max_connections, 0, "limits.max_connections: must be >= 1"},
           Case{&LimitsConfig::handshake_timeout_ms, 0,
                "limits.handshake_timeout_ms: must be >= 1"},
           Case{&LimitsConfig::idle_timeout_ms, -1, "limits.idle_timeout_ms: must be >= 0"},
           Case{&LimitsConfig::conversation_reply_timeout_ms, 0,
                "limits.conversation_reply_timeout_ms: must be >= 1"},
           Case{&LimitsConfig::dedup_window_ms, 0, "limits.dedup_window_ms: must be >= 1"},
           Case{&LimitsConfig::max_subscriptions_per_connection, 0,
                "limits.max_subscriptions_per_connection: must be >= 1"},
           Case{&LimitsConfig::max_subscription_inbox_depth, -3,
                "limits.max_subscription_inbox_depth: must be >= 1"},
       }) {
    ServerConfig config = ValidConfig();
    config.limits.*c.member = c.bad;
    EXPECT_THAT(Errors(config), HasSubstr(c.message)) << c.message;
  }
}

// Every [limits] value must be > 0 (reference-compat.md §4); idle_timeout_ms alone allows 0
// (disabled). Each bad value is exactly one error, keyed `limits.<key>`.
TEST(ValidateTest, EveryLimitMustBePositive) {
  struct Case {
    const char* key;
    int64_t LimitsConfig::*member;
  };
  for (const Case& c : {
           Case{"max_connections", &LimitsConfig::max_connections},
           Case{"max_subscriptions_per_connection",
                &LimitsConfig::max_subscriptions_per_connection},
           Case{"max_conversations_per_connection",
                &LimitsConfig::max_conversations_per_connection},
           Case{"max_pending_pushes_per_connection",
                &LimitsConfig::max_pending_pushes_per_connection},
           Case{"max_pending_conversation_replies_per_connection",
                &LimitsConfig::max_pending_conversation_replies_per_connection},
           Case{"max_pending_replies_per_conversation",
                &LimitsConfig::max_pending_replies_per_conversation},
           Case{"max_connection_inbox_bytes", &LimitsConfig::max_connection_inbox_bytes},
           Case{"max_subscription_inbox_depth", &LimitsConfig::max_subscription_inbox_depth},
           Case{"handshake_timeout_ms", &LimitsConfig::handshake_timeout_ms},
           Case{"conversation_reply_timeout_ms", &LimitsConfig::conversation_reply_timeout_ms},
           Case{"dedup_window_ms", &LimitsConfig::dedup_window_ms},
       }) {
    for (int64_t bad : {0, -1}) {
      ServerConfig config = ValidConfig();
      config.limits.*c.member = bad;
      EXPECT_EQ(Errors(config),
                absl::StrCat("invalid configuration: limits.", c.key, ": must be >= 1, got ", bad))
          << c.key << " = " << bad;
    }
    ServerConfig config = ValidConfig();
    config.limits.*c.member = 1;
    EXPECT_TRUE(Validate(config).ok()) << c.key << " = 1: " << Validate(config);
  }

  // max_frame_bytes and max_outbound_bytes have their own, stricter rules; 0 fails both.
  ServerConfig config = ValidConfig();
  config.limits.max_frame_bytes = 0;
  EXPECT_EQ(Errors(config),
            "invalid configuration: limits.max_frame_bytes: must be between 1024 and 1073741824, "
            "got 0");
  config = ValidConfig();
  config.limits.max_outbound_bytes = 0;
  EXPECT_THAT(Errors(config), HasSubstr("limits.max_outbound_bytes: must be >= "
                                        "limits.max_frame_bytes (16777216) so one frame always "
                                        "fits, got 0"));

  // idle_timeout_ms: 0 disables the timeout.
  config = ValidConfig();
  config.limits.idle_timeout_ms = 0;
  EXPECT_TRUE(Validate(config).ok());
  config.limits.idle_timeout_ms = -1;
  EXPECT_EQ(Errors(config),
            "invalid configuration: limits.idle_timeout_ms: must be >= 0 (0 = disabled), got -1");
}

TEST(ValidateTest, OutboundQueueMustHoldOneFrame) {
  ServerConfig config = ValidConfig();
  config.limits.max_frame_bytes = 4096;
  config.limits.max_outbound_bytes = 4095;
  EXPECT_THAT(Errors(config),
              HasSubstr("limits.max_outbound_bytes: must be >= limits.max_frame_bytes (4096)"));
  config.limits.max_outbound_bytes = 4096;
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
  config.channels[0].schema_ref = "";
  EXPECT_THAT(Errors(config), AllOf(HasSubstr("persistence_path: must not be empty"),
                                    HasSubstr("auth.token_file: must not be empty"),
                                    HasSubstr("channels[0].schema_ref: must not be empty")));
}

TEST(ValidateTest, TokensMustNotBeEmpty) {
  ServerConfig config = ValidConfig();
  config.auth.tokens = {"good", ""};
  EXPECT_THAT(Errors(config), HasSubstr("auth.tokens[1]: must not be empty"));
}

TEST(ValidateTest, SingleTokenMustNotBeEmpty) {
  ServerConfig config = ValidConfig();
  config.auth.token = "";
  EXPECT_EQ(Errors(config),
            "invalid configuration: auth.token: must not be empty (omit [auth] to accept every "
            "client)");
  config.auth.token = "shared-secret";
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
}

AuthUserConfig ValidUser(std::string name, std::string token) {
  return {.name = std::move(name),
          .token = std::move(token),
          .publish = {"orders.*"},
          .subscribe = {"audit"},
          .request = {"worker.emails"},
          .respond = {}};
}

TEST(ValidateTest, AuthUsersWithTheirOwnTokensAndValidPatternsAreAccepted) {
  ServerConfig config = ValidConfig();
  config.auth.token = "shared";
  config.auth.users.push_back(ValidUser("alice", "a-token"));
  config.auth.users.push_back(ValidUser("bob", "b-token"));
  config.auth.users.push_back({.name = "no-permissions", .token = "n-token"});
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
}

TEST(ValidateTest, AuthUsersNeedAUniqueNameAndTokenOfTheirOwn) {
  ServerConfig config = ValidConfig();
  config.auth.tokens = {"shared-1", "shared-2"};
  config.auth.users.push_back(ValidUser("alice", "a-token"));
  config.auth.users.push_back(ValidUser("alice", "other"));     // 1: duplicate name
  config.auth.users.push_back(ValidUser("bob", "a-token"));     // 2: alice's token
  config.auth.users.push_back(ValidUser("carol", "shared-2"));  // 3: a shared token
  config.auth.users.push_back(ValidUser(" ", "blank-name"));    // 4: no name
  config.auth.users.push_back(ValidUser("dave", ""));           // 5: empty token
  AuthUserConfig no_token = ValidUser("erin", "");
  no_token.token.reset();
  config.auth.users.push_back(no_token);  // 6: no token at all
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("(6 errors)"));
  EXPECT_THAT(errors, HasSubstr("auth.users[1].name: 'alice' is already used by auth.users[0]"));
  EXPECT_THAT(errors, HasSubstr("auth.users[2].token: user 'bob' has the same token as "
                                "auth.users[0]; every user needs a token of its own"));
  EXPECT_THAT(errors, HasSubstr("auth.users[3].token: user 'carol' has the same token as a "
                                "shared token"));
  EXPECT_THAT(errors, HasSubstr("auth.users[4].name: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("auth.users[5].token: must not be empty"));
  EXPECT_THAT(errors,
              HasSubstr("auth.users[6].token: is missing: user 'erin' needs a token of its own"));
  // Tokens are secrets: no error quotes one.
  for (const char* secret : {"a-token", "shared-2", "shared-1"}) {
    EXPECT_THAT(errors, Not(HasSubstr(secret)));
  }
}

TEST(ValidateTest, AuthUserPatternsMustParse) {
  ServerConfig config = ValidConfig();
  AuthUserConfig user = ValidUser("alice", "a-token");
  user.publish = {"orders.*", "orders..eu"};
  user.subscribe = {"au*dit"};
  user.request = {">.x"};
  user.respond = {""};
  config.auth.users.push_back(user);
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("(4 errors)"));
  EXPECT_THAT(errors, HasSubstr("auth.users[0].publish[1]: pattern 'orders..eu' has an empty "
                                "token"));
  EXPECT_THAT(errors, HasSubstr("auth.users[0].subscribe[0]: pattern 'au*dit': the wildcards"));
  EXPECT_THAT(errors, HasSubstr("auth.users[0].request[0]: pattern '>.x': '>' may only be the "
                                "last token"));
  EXPECT_THAT(errors, HasSubstr("auth.users[0].respond[0]: a pattern must not be empty"));
  EXPECT_THAT(errors, HasSubstr("final '>' for the rest"));
}

TEST(AuthConfigTest, AcceptedTokensAreTheSingleTokenThenTheList) {
  AuthConfig auth;
  EXPECT_THAT(auth.AcceptedTokens(), IsEmpty());
  auth.tokens = {"b", "c"};
  EXPECT_THAT(auth.AcceptedTokens(), ElementsAre("b", "c"));
  auth.token = "a";
  EXPECT_THAT(auth.AcceptedTokens(), ElementsAre("a", "b", "c"));
  auth.tokens.clear();
  EXPECT_THAT(auth.AcceptedTokens(), ElementsAre("a"));
}

TEST(ValidateTest, RoutingRulesMustNameKnownChannels) {
  ServerConfig config = ValidConfig();
  config.routing_rules.push_back({.source_channel = "nowhere", .target_channel = "audit"});
  config.routing_rules.push_back({.source_channel = "orders", .target_channel = "elsewhere"});
  config.routing_rules.push_back({.source_channel = "", .target_channel = "audit"});
  config.routing_rules.push_back({.source_channel = "orders", .target_channel = " "});
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("(4 errors)"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[1].source_channel: unknown channel 'nowhere'"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[2].target_channel: unknown channel 'elsewhere'"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[3].source_channel: must name a channel"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[4].target_channel: must name a channel"));
  EXPECT_THAT(errors, Not(HasSubstr("routing_rules[0]")));
}

TEST(ValidateTest, RoutingRuleMatchesTrimmedChannelNames) {
  ServerConfig config = ValidConfig();
  config.channels[1].name = " audit ";
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
}

TEST(ValidateTest, RoutingRuleCannotTargetItsSource) {
  ServerConfig config = ValidConfig();
  config.routing_rules[0].target_channel = "orders";
  EXPECT_THAT(Errors(config), HasSubstr("routing_rules[0]: source and target are both 'orders'"));
}

TEST(ValidateTest, PredicateWhenPresentMustNotBeBlank) {
  ServerConfig config = ValidConfig();
  config.routing_rules[0].predicate = "  ";
  EXPECT_THAT(Errors(config), HasSubstr("routing_rules[0].predicate: must not be empty"));
  config.routing_rules[0].predicate = "amount > 10";
  EXPECT_TRUE(Validate(config).ok());
}

TEST(ValidateTest, EitherServicesProfileIsValid) {
  ServerConfig config = ValidConfig();
  for (ServicesProfile profile : {ServicesProfile::kFull, ServicesProfile::kWorkerFrontDoor}) {
    config.services.profile = profile;
    EXPECT_TRUE(Validate(config).ok()) << ServicesProfileName(profile);
  }
}

// A valid [cluster] section is refused as a whole, with one error keyed `cluster`.
TEST(ValidateTest, ClusterSectionIsRefused) {
  ServerConfig config = ValidConfig();
  config.cluster = ValidCluster();
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("invalid configuration: cluster: "))
      << "a single error: every field is valid";
  EXPECT_THAT(errors, HasSubstr("does not support clustering yet"));
  EXPECT_THAT(errors, HasSubstr("remove the [cluster] section"));

  config.cluster->listen_address.reset();  // optional
  config.cluster->seed_nodes.clear();      // optional
  EXPECT_THAT(Errors(config), HasSubstr("invalid configuration: cluster: "));
}

TEST(ValidateTest, ClusterFieldsAreCheckedBeforeTheSectionIsRefused) {
  ServerConfig config = ValidConfig();
  config.cluster = ValidCluster();
  config.cluster->node_name = "  ";
  config.cluster->listen_address = HostPort{"", 0};
  config.cluster->seed_nodes = {"node-b@10.0.0.2", " "};
  config.cluster->cookie = "";
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("(6 errors)"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.node_name: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.listen_address: host must not be empty"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.listen_address: port must be non-zero"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.seed_nodes[1]: must not be empty"));
  EXPECT_THAT(errors, Not(HasSubstr("cluster.seed_nodes[0]")));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.cookie: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster: liminald does not support clustering yet"));
}

TEST(ValidateTest, EmptyClusterCookieIsAnError) {
  ServerConfig config = ValidConfig();
  config.cluster = ValidCluster();
  config.cluster->cookie = "";
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("(2 errors)"));
  EXPECT_THAT(errors, HasSubstr("cluster.cookie: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("clustering"));
}

TEST(ValidateTest, ReportsEveryErrorTogether) {
  ServerConfig config = ValidConfig();
  config.listen_address.port = 0;
  config.drain_timeout_ms = 0;
  config.channels.push_back({.name = ""});
  const std::string errors = Errors(config);
  EXPECT_THAT(errors, HasSubstr("invalid configuration (3 errors):\n  - "));
  EXPECT_THAT(errors, HasSubstr("\n  - listen_address: "));
  EXPECT_THAT(errors, HasSubstr("\n  - drain_timeout_ms: "));
  EXPECT_THAT(errors, HasSubstr("\n  - channels[2].name: "));
}

TEST(ValidateTest, SingleErrorReadsAsOneLine) {
  ServerConfig config = ValidConfig();
  config.limits.max_connections = 0;
  EXPECT_EQ(Errors(config), "invalid configuration: limits.max_connections: must be >= 1, got 0");
}

TEST(ConfigErrorsTest, NamesTheSource) {
  ConfigErrors errors;
  EXPECT_TRUE(errors.ToStatus("x.toml").ok());
  errors.Add("listen_address", "bad");
  EXPECT_EQ(errors.ToStatus("x.toml").message(),
            "invalid configuration in x.toml: listen_address: bad");
}

TEST(EnumNamesTest, ParseAndNameRoundTrip) {
  for (const char* name : {"text", "json"}) EXPECT_EQ(LogFormatName(*ParseLogFormat(name)), name);
  for (const char* name : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    EXPECT_EQ(LogLevelName(*ParseLogLevel(name)), name);
  }
  for (const char* name : {"always", "interval", "never"}) {
    EXPECT_EQ(FsyncPolicyName(*ParseFsyncPolicy(name)), name);
  }
  EXPECT_THAT(std::string(ParseFsyncPolicy("sometimes").status().message()),
              HasSubstr(R"('sometimes' is not one of "always", "interval", "never")"));
  EXPECT_FALSE(ParseLogLevel("INFO").ok());
}

TEST(EnumNamesTest, ServicesProfiles) {
  EXPECT_EQ(*ParseServicesProfile("full"), ServicesProfile::kFull);
  EXPECT_EQ(*ParseServicesProfile("worker-front-door"), ServicesProfile::kWorkerFrontDoor);
  for (const char* name : {"full", "worker-front-door"}) {
    EXPECT_EQ(ServicesProfileName(*ParseServicesProfile(name)), name);
  }
  absl::StatusOr<ServicesProfile> bad = ParseServicesProfile("edge");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), R"('edge' is not one of "full", "worker-front-door")");
  EXPECT_FALSE(ParseServicesProfile("Full").ok());
  EXPECT_FALSE(ParseServicesProfile("worker_front_door").ok());
}

}  // namespace
}  // namespace liminal::config
