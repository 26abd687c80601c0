#include "core/config/env_overrides.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/config/config_errors.h"
#include "core/config/server_config.h"

namespace liminal::config {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string Apply(const EnvironmentMap& env, ServerConfig& config) {
  ConfigErrors errors;
  ApplyEnvOverrides(env, config, errors);
  return std::string(errors.ToStatus().message());
}

// A config whose file had a [cluster] section (the cluster variables need one).
ServerConfig WithCluster() {
  ServerConfig config;
  config.cluster = ClusterConfig{.node_name = "file-node", .cookie = "file-cookie"};
  return config;
}

TEST(EnvOverridesTest, AppliesEveryScalarOverride) {
  const EnvironmentMap env = {
      // The reference's variables.
      {"LIMINAL_LISTEN_ADDRESS", "0.0.0.0:9000"},
      {"LIMINAL_HEALTH_LISTEN_ADDRESS", "[::1]:9001"},
      {"LIMINAL_DRAIN_TIMEOUT_MS", " 250 "},
      {"LIMINAL_PERSISTENCE_PATH", "relative/dir"},
      {"LIMINAL_AUTH_TOKEN", " shared "},
      {"LIMINAL_CLUSTER_NODE_NAME", "node-a"},
      {"LIMINAL_CLUSTER_SEED_NODES", "node-b@10.0.0.2, node-c@10.0.0.3"},
      {"LIMINAL_CLUSTER_LISTEN_ADDRESS", "0.0.0.0:9100"},
      {"LIMINAL_CLUSTER_COOKIE", "env-cookie"},
      // liminald's own.
      {"LIMINAL_SCHEDULER_THREADS", "3"},
      {"LIMINAL_LOG_FORMAT", "json"},
      {"LIMINAL_LOG_LEVEL", "debug"},
      {"LIMINAL_AUTH_TOKENS", "alpha, beta"},
      {"LIMINAL_MAX_CONNECTIONS", "7"},
      {"LIMINAL_MAX_SUBSCRIPTIONS_PER_CONNECTION", "15"},
      {"LIMINAL_MAX_CONVERSATIONS_PER_CONNECTION", "17"},
      {"LIMINAL_MAX_PENDING_PUSHES_PER_CONNECTION", "18"},
      {"LIMINAL_MAX_PENDING_CONVERSATION_REPLIES_PER_CONNECTION", "19"},
      {"LIMINAL_MAX_PENDING_REPLIES_PER_CONVERSATION", "20"},
      {"LIMINAL_MAX_CONNECTION_INBOX_BYTES", "21"},
      {"LIMINAL_MAX_SUBSCRIPTION_INBOX_DEPTH", "16"},
      {"LIMINAL_MAX_FRAME_BYTES", "2048"},
      {"LIMINAL_MAX_OUTBOUND_BYTES", "4096"},
      {"LIMINAL_HANDSHAKE_TIMEOUT_MS", "11"},
      {"LIMINAL_IDLE_TIMEOUT_MS", "12"},
      {"LIMINAL_CONVERSATION_REPLY_TIMEOUT_MS", "13"},
      {"LIMINAL_DEDUP_WINDOW_MS", "14"},
      {"LIMINAL_TLS_CERT_FILE", "/run/secrets/server.pem"},
      {"LIMINAL_TLS_KEY_FILE", "/run/secrets/server.key"},
      {"LIMINAL_TLS_CA_FILE", "/run/secrets/ca.pem"},
      {"LIMINAL_TLS_REQUIRE_CLIENT_CERT", "true"},
      {"LIMINAL_TLS_HEALTH", "yes"},
  };
  ServerConfig config = WithCluster();
  config.auth.token_file = "/etc/liminal/tokens";
  EXPECT_EQ(Apply(env, config), "");
  EXPECT_EQ(config.listen_address, (HostPort{"0.0.0.0", 9000}));
  EXPECT_EQ(config.health_listen_address, (HostPort{"::1", 9001}));
  EXPECT_EQ(config.drain_timeout_ms, 250);
  EXPECT_EQ(config.persistence_path, "relative/dir");
  EXPECT_EQ(config.auth.token, "shared");
  ASSERT_TRUE(config.cluster.has_value());
  EXPECT_EQ(config.cluster->node_name, "node-a");
  EXPECT_THAT(config.cluster->seed_nodes, ElementsAre("node-b@10.0.0.2", "node-c@10.0.0.3"));
  EXPECT_EQ(config.cluster->listen_address, (HostPort{"0.0.0.0", 9100}));
  EXPECT_EQ(config.cluster->cookie, "env-cookie");
  EXPECT_EQ(config.scheduler_threads, 3);
  EXPECT_EQ(config.log_format, LogFormat::kJson);
  EXPECT_EQ(config.log_level, LogLevel::kDebug);
  EXPECT_THAT(config.auth.tokens, ElementsAre("alpha", "beta"));
  EXPECT_FALSE(config.auth.token_file.has_value()) << "LIMINAL_AUTH_TOKENS replaces token_file";
  EXPECT_THAT(config.auth.AcceptedTokens(), ElementsAre("shared", "alpha", "beta"));
  const LimitsConfig& limits = config.limits;
  EXPECT_EQ(limits.max_connections, 7);
  EXPECT_EQ(limits.max_subscriptions_per_connection, 15);
  EXPECT_EQ(limits.max_conversations_per_connection, 17);
  EXPECT_EQ(limits.max_pending_pushes_per_connection, 18);
  EXPECT_EQ(limits.max_pending_conversation_replies_per_connection, 19);
  EXPECT_EQ(limits.max_pending_replies_per_conversation, 20);
  EXPECT_EQ(limits.max_connection_inbox_bytes, 21);
  EXPECT_EQ(limits.max_subscription_inbox_depth, 16);
  EXPECT_EQ(limits.max_frame_bytes, 2048);
  EXPECT_EQ(limits.max_outbound_bytes, 4096);
  EXPECT_EQ(limits.handshake_timeout_ms, 11);
  EXPECT_EQ(limits.idle_timeout_ms, 12);
  EXPECT_EQ(limits.conversation_reply_timeout_ms, 13);
  EXPECT_EQ(limits.dedup_window_ms, 14);
  ASSERT_TRUE(config.tls.has_value()) << "a [tls] variable creates the section";
  EXPECT_EQ(config.tls->cert_file, "/run/secrets/server.pem");
  EXPECT_EQ(config.tls->key_file, "/run/secrets/server.key");
  EXPECT_EQ(config.tls->ca_file, "/run/secrets/ca.pem");
  EXPECT_TRUE(config.tls->require_client_cert);
  EXPECT_TRUE(config.tls->health);
  EXPECT_EQ(env.size(), EnvOverrides().size()) << "every override is exercised above";
}

TEST(EnvOverridesTest, AbsentVariablesLeaveTheConfigAlone) {
  ServerConfig config;
  config.drain_timeout_ms = 42;
  EXPECT_EQ(Apply({{"PATH", "/bin"}}, config), "");
  EXPECT_EQ(config.drain_timeout_ms, 42);
  EXPECT_FALSE(config.cluster.has_value());
  EXPECT_FALSE(config.auth.token.has_value());
}

TEST(EnvOverridesTest, EachUnparseableValueIsAnErrorNamingTheVariable) {
  ServerConfig config;
  const std::string errors = Apply(
      {
          {"LIMINAL_MAX_CONNECTIONS", "12x"},
          {"LIMINAL_LISTEN_ADDRESS", "nowhere"},
          {"LIMINAL_LOG_FORMAT", "xml"},
          {"LIMINAL_DRAIN_TIMEOUT_MS", "99999999999999999999"},
          {"LIMINAL_MAX_FRAME_BYTES", "4096"},
      },
      config);
  EXPECT_THAT(errors, HasSubstr("(4 errors)"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_MAX_CONNECTIONS: '12x' is not an integer (overrides "
                                "limits.max_connections)"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_LISTEN_ADDRESS: expected host:port, got 'nowhere'"));
  EXPECT_THAT(errors, HasSubstr("(overrides listen_address)"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_LOG_FORMAT: 'xml' is not one of"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_DRAIN_TIMEOUT_MS:"));
  EXPECT_EQ(config.limits.max_frame_bytes, 4096) << "valid overrides still apply";
  EXPECT_EQ(config.limits.max_connections, 10000) << "a bad override leaves the value alone";
  EXPECT_EQ(config.listen_address, (HostPort{"127.0.0.1", 7400}));
}

TEST(EnvOverridesTest, TlsVariablesOverrideTheFilesSectionAndFlagsMustBeBooleans) {
  ServerConfig config;
  config.tls.emplace();
  config.tls->cert_file = "/etc/liminal/server.pem";
  config.tls->key_file = "/etc/liminal/server.key";
  config.tls->require_client_cert = true;
  const std::string errors = Apply({{"LIMINAL_TLS_KEY_FILE", "/run/secrets/rotated.key"},
                                    {"LIMINAL_TLS_REQUIRE_CLIENT_CERT", "0"},
                                    {"LIMINAL_TLS_HEALTH", "maybe"}},
                                   config);
  EXPECT_THAT(errors, HasSubstr("LIMINAL_TLS_HEALTH: 'maybe' is not a boolean (true or false) "
                                "(overrides tls.health)"));
  ASSERT_TRUE(config.tls.has_value());
  EXPECT_EQ(config.tls->cert_file, "/etc/liminal/server.pem") << "the file's value stays";
  EXPECT_EQ(config.tls->key_file, "/run/secrets/rotated.key");
  EXPECT_FALSE(config.tls->require_client_cert);
  EXPECT_FALSE(config.tls->health) << "a bad flag leaves the value alone";
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

TEST(EnvOverridesTest, AuthTokenReplacesTheFileTokenAndKeepsTheList) {
  ServerConfig config;
  config.auth.token = "file-token";
  config.auth.tokens = {"listed"};
  config.auth.token_file = "/etc/liminal/tokens";
  EXPECT_EQ(Apply({{"LIMINAL_AUTH_TOKEN", "env-token"}}, config), "");
  EXPECT_EQ(config.auth.token, "env-token");
  EXPECT_THAT(config.auth.tokens, ElementsAre("listed"));
  EXPECT_EQ(config.auth.token_file, "/etc/liminal/tokens");
  EXPECT_THAT(config.auth.AcceptedTokens(), ElementsAre("env-token", "listed"));

  EXPECT_EQ(Apply({{"LIMINAL_AUTH_TOKEN", "  "}}, config),
            "invalid configuration: LIMINAL_AUTH_TOKEN: is empty (unset it to keep the file's "
            "value) (overrides auth.token)");
  EXPECT_EQ(config.auth.token, "env-token");
}

TEST(EnvOverridesTest, EveryLimitVariableSetsItsLimitsKey) {
  struct Case {
    const char* variable;
    int64_t LimitsConfig::*member;
  };
  const Case cases[] = {
      {"LIMINAL_MAX_CONNECTIONS", &LimitsConfig::max_connections},
      {"LIMINAL_MAX_SUBSCRIPTIONS_PER_CONNECTION", &LimitsConfig::max_subscriptions_per_connection},
      {"LIMINAL_MAX_CONVERSATIONS_PER_CONNECTION", &LimitsConfig::max_conversations_per_connection},
      {"LIMINAL_MAX_PENDING_PUSHES_PER_CONNECTION",
       &LimitsConfig::max_pending_pushes_per_connection},
      {"LIMINAL_MAX_PENDING_CONVERSATION_REPLIES_PER_CONNECTION",
       &LimitsConfig::max_pending_conversation_replies_per_connection},
      {"LIMINAL_MAX_PENDING_REPLIES_PER_CONVERSATION",
       &LimitsConfig::max_pending_replies_per_conversation},
      {"LIMINAL_MAX_CONNECTION_INBOX_BYTES", &LimitsConfig::max_connection_inbox_bytes},
      {"LIMINAL_MAX_SUBSCRIPTION_INBOX_DEPTH", &LimitsConfig::max_subscription_inbox_depth},
      {"LIMINAL_MAX_FRAME_BYTES", &LimitsConfig::max_frame_bytes},
      {"LIMINAL_MAX_OUTBOUND_BYTES", &LimitsConfig::max_outbound_bytes},
      {"LIMINAL_HANDSHAKE_TIMEOUT_MS", &LimitsConfig::handshake_timeout_ms},
      {"LIMINAL_IDLE_TIMEOUT_MS", &LimitsConfig::idle_timeout_ms},
      {"LIMINAL_CONVERSATION_REPLY_TIMEOUT_MS", &LimitsConfig::conversation_reply_timeout_ms},
      {"LIMINAL_DEDUP_WINDOW_MS", &LimitsConfig::dedup_window_ms},
  };
  for (const Case& c : cases) {
    ServerConfig config;
    EXPECT_EQ(Apply({{c.variable, "123456"}}, config), "") << c.variable;
    EXPECT_EQ(config.limits.*c.member, 123456) << c.variable;
    for (const Case& other : cases) {  // and no other limit
      if (other.member == c.member) continue;
      EXPECT_EQ(config.limits.*other.member, LimitsConfig{}.*other.member)
          << c.variable << " changed " << other.variable << "'s key";
    }

    // The error names the variable and the limits key it overrides.
    const std::string suffix(absl::StripPrefix(c.variable, "LIMINAL_"));
    const std::string key = absl::StrCat("limits.", absl::AsciiStrToLower(suffix));
    ServerConfig bad;
    EXPECT_EQ(Apply({{c.variable, "many"}}, bad),
              absl::StrCat("invalid configuration: ", c.variable,
                           ": 'many' is not an integer (overrides ", key, ")"));
  }
  // Every [limits] override is listed once, with its `limits.` key.
  size_t limit_overrides = 0;
  for (const EnvOverrideInfo& info : EnvOverrides()) {
    if (absl::StartsWith(info.key, "limits.")) ++limit_overrides;
  }
  EXPECT_EQ(limit_overrides, std::size(cases));
}

TEST(EnvOverridesTest, ClusterVariablesApplyToTheFilesClusterSection) {
  ServerConfig config = WithCluster();
  EXPECT_EQ(Apply({{"LIMINAL_CLUSTER_NODE_NAME", " node-z "}}, config), "");
  EXPECT_EQ(config.cluster->node_name, "node-z");
  EXPECT_EQ(config.cluster->cookie, "file-cookie") << "the other fields keep the file's values";
  EXPECT_FALSE(config.cluster->listen_address.has_value());

  EXPECT_EQ(Apply({{"LIMINAL_CLUSTER_SEED_NODES", "a@h1,b@h2 , c@h3"}}, config), "");
  EXPECT_THAT(config.cluster->seed_nodes, ElementsAre("a@h1", "b@h2", "c@h3"));
  EXPECT_EQ(Apply({{"LIMINAL_CLUSTER_SEED_NODES", "only@h"}}, config), "");
  EXPECT_THAT(config.cluster->seed_nodes, ElementsAre("only@h")) << "replaces, not appends";

  EXPECT_EQ(Apply({{"LIMINAL_CLUSTER_LISTEN_ADDRESS", "[::1]:9200"}}, config), "");
  EXPECT_EQ(config.cluster->listen_address, (HostPort{"::1", 9200}));

  EXPECT_EQ(Apply({{"LIMINAL_CLUSTER_COOKIE", "env-cookie"}}, config), "");
  EXPECT_EQ(config.cluster->cookie, "env-cookie");
  EXPECT_EQ(config.cluster->node_name, "node-z");
}

TEST(EnvOverridesTest, BadClusterListenAddressNamesTheVariable) {
  ServerConfig config = WithCluster();
  EXPECT_THAT(Apply({{"LIMINAL_CLUSTER_LISTEN_ADDRESS", "nowhere"}}, config),
              AllOf(HasSubstr("LIMINAL_CLUSTER_LISTEN_ADDRESS: expected host:port, got "
                              "'nowhere'"),
                    HasSubstr("(overrides cluster.listen_address)")));
  EXPECT_FALSE(config.cluster->listen_address.has_value());
}

TEST(EnvOverridesTest, ClusterVariablesWithoutAClusterSectionAreErrors) {
  ServerConfig config;
  const std::string errors = Apply(
      {
          {"LIMINAL_CLUSTER_NODE_NAME", "node-a"},
          {"LIMINAL_CLUSTER_SEED_NODES", "node-b@h"},
          {"LIMINAL_CLUSTER_LISTEN_ADDRESS", "0.0.0.0:9100"},
          {"LIMINAL_CLUSTER_COOKIE", "secret"},
          {"LIMINAL_DRAIN_TIMEOUT_MS", "250"},
      },
      config);
  EXPECT_THAT(errors, HasSubstr("(4 errors)"));
  for (const char* key : {"node_name", "seed_nodes", "listen_address", "cookie"}) {
    std::string upper(key);
    absl::AsciiStrToUpper(&upper);
    EXPECT_THAT(errors, HasSubstr(absl::StrCat("LIMINAL_CLUSTER_", upper,
                                               ": is set but the configuration file has no "
                                               "[cluster] section (overrides cluster.",
                                               key, ")")))
        << key;
  }
  EXPECT_FALSE(config.cluster.has_value()) << "no section is conjured up";
  EXPECT_EQ(config.drain_timeout_ms, 250) << "other overrides still apply";
}

TEST(EnvOverridesTest, ListsTheOverridesTheSpecRequires) {
  std::vector<std::string> variables;
  for (const EnvOverrideInfo& info : EnvOverrides()) variables.emplace_back(info.variable);
  for (const char* required :
       {// reference-compat.md §4.
        "LIMINAL_LISTEN_ADDRESS", "LIMINAL_HEALTH_LISTEN_ADDRESS", "LIMINAL_DRAIN_TIMEOUT_MS",
        "LIMINAL_PERSISTENCE_PATH", "LIMINAL_AUTH_TOKEN", "LIMINAL_CLUSTER_NODE_NAME",
        "LIMINAL_CLUSTER_SEED_NODES", "LIMINAL_CLUSTER_LISTEN_ADDRESS", "LIMINAL_CLUSTER_COOKIE",
        // liminald's own.
        "LIMINAL_SCHEDULER_THREADS", "LIMINAL_LOG_FORMAT", "LIMINAL_LOG_LEVEL",
        "LIMINAL_MAX_FRAME_BYTES", "LIMINAL_MAX_CONNECTIONS", "LIMINAL_AUTH_TOKENS",
        "LIMINAL_MAX_SUBSCRIPTION_INBOX_DEPTH"}) {
    EXPECT_THAT(variables, Contains(required));
  }
  // The pre-reference names are gone.
  for (const char* gone :
       {"LIMINAL_LISTEN", "LIMINAL_HEALTH_LISTEN", "LIMINAL_SUBSCRIPTION_PENDING_LIMIT"}) {
    EXPECT_THAT(variables, Not(Contains(gone)));
  }
}

TEST(EnvOverridesTest, ReferenceVariablesOverrideTheReferenceKeys) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const EnvOverrideInfo& info : EnvOverrides()) {
    pairs.emplace_back(info.variable, info.key);
  }
  for (const auto& expected : std::vector<std::pair<std::string, std::string>>{
           {"LIMINAL_LISTEN_ADDRESS", "listen_address"},
           {"LIMINAL_HEALTH_LISTEN_ADDRESS", "health_listen_address"},
           {"LIMINAL_DRAIN_TIMEOUT_MS", "drain_timeout_ms"},
           {"LIMINAL_PERSISTENCE_PATH", "persistence_path"},
           {"LIMINAL_AUTH_TOKEN", "auth.token"},
           {"LIMINAL_CLUSTER_NODE_NAME", "cluster.node_name"},
           {"LIMINAL_CLUSTER_SEED_NODES", "cluster.seed_nodes"},
           {"LIMINAL_CLUSTER_LISTEN_ADDRESS", "cluster.listen_address"},
           {"LIMINAL_CLUSTER_COOKIE", "cluster.cookie"},
       }) {
    EXPECT_THAT(pairs, Contains(expected)) << expected.first;
  }
}

TEST(EnvOverridesTest, ReportsUnknownLiminalVariables) {
  EXPECT_THAT(UnknownEnvOverrides({{"LIMINAL_LISTEN_ADRESS", "x"},
                                   {"LIMINAL_LISTEN_ADDRESS", "127.0.0.1:1"},
                                   {"HOME", "/root"},
                                   {"LIMINAL_A", ""}}),
              ElementsAre("LIMINAL_A", "LIMINAL_LISTEN_ADRESS"));
  EXPECT_THAT(UnknownEnvOverrides({}), IsEmpty());
}

TEST(EnvOverridesTest, PreReferenceVariableNamesAreUnknownAndIgnored) {
  const EnvironmentMap env = {
      {"LIMINAL_LISTEN", "0.0.0.0:9000"},
      {"LIMINAL_HEALTH_LISTEN", "0.0.0.0:9001"},
      {"LIMINAL_SUBSCRIPTION_PENDING_LIMIT", "16"},
  };
  EXPECT_THAT(UnknownEnvOverrides(env), ElementsAre("LIMINAL_HEALTH_LISTEN", "LIMINAL_LISTEN",
                                                    "LIMINAL_SUBSCRIPTION_PENDING_LIMIT"));
  ServerConfig config;
  EXPECT_EQ(Apply(env, config), "");
  EXPECT_EQ(config.listen_address, (HostPort{"127.0.0.1", 7400}));
  EXPECT_EQ(config.health_listen_address, (HostPort{"127.0.0.1", 7401}));
  EXPECT_EQ(config.limits.max_subscription_inbox_depth, 1024);
}

}  // namespace
}  // namespace liminal::config
