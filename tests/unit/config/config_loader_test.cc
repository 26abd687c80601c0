#include "daemon/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/config/server_config.h"
#include "tests/e2e/support/temp_dir.h"

namespace liminal::daemon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kMinimal[] = R"(
listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7401"

[[channels]]
name = "orders"
)";

// A reference (liminal-server 0.2.3) liminal.toml using every section it knows except
// [cluster], with the reference's own [limits] defaults spelled out. Relative paths:
// data/ and schemas/orders.json next to the file.
constexpr char kReference023[] = R"(# liminal.toml (liminal-server 0.2.3)
listen_address = "0.0.0.0:4150"
health_listen_address = "0.0.0.0:4151"
drain_timeout_ms = 30000
persistence_path = "data"

[auth]
token = "s3cret"

[services]
profile = "full"

[limits]
max_connections = 256
max_subscriptions_per_connection = 32
max_conversations_per_connection = 32
max_pending_pushes_per_connection = 32
max_pending_conversation_replies_per_connection = 32
max_pending_replies_per_conversation = 8
max_connection_inbox_bytes = 4194304
max_subscription_inbox_depth = 256

[[channels]]
name = "orders"
schema_ref = "schemas/orders.json"
durable = true

[[channels]]
name = "audit"
durable = true

[[channels]]
name = "events"

[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
predicate = "amount > 100"

[[routing_rules]]
source_channel = "events"
target_channel = "audit"
)";

// The reference's [cluster] section, every field set and valid.
constexpr char kReferenceCluster[] = R"(
[cluster]
node_name = "liminal-a"
listen_address = "0.0.0.0:4369"
seed_nodes = ["liminal-b@10.0.0.2", "liminal-c@10.0.0.3"]
cookie = "cluster-cookie"
)";

class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<e2e::TempDir> dir = e2e::TempDir::Create("config-loader-test");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<e2e::TempDir>(*std::move(dir));
  }

  std::filesystem::path Write(const std::string& relative, const std::string& content) {
    absl::StatusOr<std::filesystem::path> path = dir_->WriteFile(relative, content);
    EXPECT_TRUE(path.ok()) << path.status();
    return path.value_or(std::filesystem::path());
  }

  absl::StatusOr<config::ServerConfig> Load(const std::string& toml,
                                            const config::EnvironmentMap& env = {},
                                            const FlagOverrides& flags = {}) {
    return LoadConfig(Write("liminald.toml", toml), env, flags);
  }

  // The load error's message; fails the test if the load succeeded.
  std::string LoadError(const std::string& toml, const config::EnvironmentMap& env = {},
                        const FlagOverrides& flags = {}) {
    absl::StatusOr<config::ServerConfig> loaded = Load(toml, env, flags);
    EXPECT_FALSE(loaded.ok()) << "expected a load error";
    return loaded.ok() ? "" : std::string(loaded.status().message());
  }

  std::filesystem::path dir() const { return dir_->path(); }

  std::unique_ptr<e2e::TempDir> dir_;
};

TEST_F(ConfigLoaderTest, LoadsTheBundledConfigs) {
  for (const char* relative : {"config/liminald.toml", "config/examples/durable.toml",
                               "config/examples/permissions.toml"}) {
    absl::StatusOr<config::ServerConfig> loaded =
        LoadConfig(std::filesystem::path(LIMINAL_SOURCE_DIR) / relative, {});
    ASSERT_TRUE(loaded.ok()) << relative << ": " << loaded.status();
    EXPECT_EQ(loaded->listen_address, (config::HostPort{"127.0.0.1", 7400})) << relative;
    EXPECT_EQ(loaded->health_listen_address, (config::HostPort{"127.0.0.1", 7401})) << relative;
    EXPECT_FALSE(loaded->cluster.has_value()) << relative;
  }
}

TEST_F(ConfigLoaderTest, AbsentKeysKeepTheirDefaults) {
  absl::StatusOr<config::ServerConfig> loaded = Load(kMinimal);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->drain_timeout_ms, 5000);
  EXPECT_EQ(loaded->limits.max_frame_bytes, 16777216);
  EXPECT_EQ(loaded->limits.max_outbound_bytes, 16777216);
  EXPECT_EQ(loaded->limits.max_connections, 10000);
  EXPECT_EQ(loaded->limits.max_subscription_inbox_depth, 1024);
  EXPECT_FALSE(loaded->auth.token.has_value());
  EXPECT_THAT(loaded->auth.AcceptedTokens(), IsEmpty());
  EXPECT_EQ(loaded->services.profile, config::ServicesProfile::kFull);
  EXPECT_FALSE(loaded->cluster.has_value());
  ASSERT_EQ(loaded->channels.size(), 1u);
  EXPECT_EQ(loaded->channels[0].fsync, config::FsyncPolicy::kAlways);
  EXPECT_FALSE(loaded->channels[0].schema_ref.has_value());
  EXPECT_EQ(loaded->channels[0].schema_document, "");
}

TEST_F(ConfigLoaderTest, ReadsEveryKey) {
  Write("data/.keep", "");
  Write("tokens.txt", "# comment\n\n  file-token  \nsecond\n");
  Write("schemas/orders.json", R"({"type":"object"})");
  absl::StatusOr<config::ServerConfig> loaded = Load(R"(
listen_address = "127.0.0.1:9000"
health_listen_address = "[::1]:9001"
drain_timeout_ms = 1500
persistence_path = "data"
scheduler_threads = 4
log_format = "json"
log_level = "warn"

[auth]
token = "single"
tokens = ["inline"]
token_file = "tokens.txt"

[services]
profile = "worker-front-door"

[limits]
max_connections = 12
max_subscriptions_per_connection = 8
max_conversations_per_connection = 9
max_pending_pushes_per_connection = 10
max_pending_conversation_replies_per_connection = 11
max_pending_replies_per_conversation = 3
max_connection_inbox_bytes = 65537
max_subscription_inbox_depth = 64
max_frame_bytes = 65536
max_outbound_bytes = 131072
handshake_timeout_ms = 2000
idle_timeout_ms = 60000
conversation_reply_timeout_ms = 700
dedup_window_ms = 1000

[[channels]]
name = "  orders  "
durable = true
schema_ref = "schemas/orders.json"
fsync = "always"
retention = { max_messages = 10, max_bytes = 20, max_age_ms = 30 }

[[channels]]
name = "audit"

[[routing_rules]]
source_channel = " orders "
target_channel = "audit"
predicate = "amount > 10"
)");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const config::ServerConfig& c = *loaded;
  EXPECT_EQ(c.listen_address, (config::HostPort{"127.0.0.1", 9000}));
  EXPECT_EQ(c.health_listen_address, (config::HostPort{"::1", 9001}));
  EXPECT_EQ(c.drain_timeout_ms, 1500);
  EXPECT_EQ(c.persistence_path, (dir() / "data").string());
  EXPECT_EQ(c.scheduler_threads, 4);
  EXPECT_EQ(c.log_format, config::LogFormat::kJson);
  EXPECT_EQ(c.log_level, config::LogLevel::kWarn);
  EXPECT_EQ(c.auth.token, "single");
  EXPECT_THAT(c.auth.tokens, ElementsAre("inline", "file-token", "second"));
  EXPECT_EQ(c.auth.token_file, (dir() / "tokens.txt").string());
  EXPECT_THAT(c.auth.AcceptedTokens(), ElementsAre("single", "inline", "file-token", "second"));
  EXPECT_EQ(c.services.profile, config::ServicesProfile::kWorkerFrontDoor);
  EXPECT_EQ(c.limits.max_connections, 12);
  EXPECT_EQ(c.limits.max_subscriptions_per_connection, 8);
  EXPECT_EQ(c.limits.max_conversations_per_connection, 9);
  EXPECT_EQ(c.limits.max_pending_pushes_per_connection, 10);
  EXPECT_EQ(c.limits.max_pending_conversation_replies_per_connection, 11);
  EXPECT_EQ(c.limits.max_pending_replies_per_conversation, 3);
  EXPECT_EQ(c.limits.max_connection_inbox_bytes, 65537);
  EXPECT_EQ(c.limits.max_subscription_inbox_depth, 64);
  EXPECT_EQ(c.limits.max_frame_bytes, 65536);
  EXPECT_EQ(c.limits.max_outbound_bytes, 131072);
  EXPECT_EQ(c.limits.handshake_timeout_ms, 2000);
  EXPECT_EQ(c.limits.idle_timeout_ms, 60000);
  EXPECT_EQ(c.limits.conversation_reply_timeout_ms, 700);
  EXPECT_EQ(c.limits.dedup_window_ms, 1000);
  EXPECT_FALSE(c.cluster.has_value());
  ASSERT_EQ(c.channels.size(), 2u);
  EXPECT_EQ(c.channels[0].name, "orders");
  EXPECT_TRUE(c.channels[0].durable);
  EXPECT_EQ(c.channels[0].schema_ref, (dir() / "schemas/orders.json").string());
  EXPECT_EQ(c.channels[0].schema_document, R"({"type":"object"})");
  EXPECT_EQ(c.channels[0].fsync, config::FsyncPolicy::kAlways);
  EXPECT_EQ(c.channels[0].retention.max_messages, 10);
  EXPECT_EQ(c.channels[0].retention.max_bytes, 20);
  EXPECT_EQ(c.channels[0].retention.max_age_ms, 30);
  EXPECT_FALSE(c.channels[1].durable);
  EXPECT_FALSE(c.channels[1].schema_ref.has_value());
  EXPECT_EQ(c.channels[1].schema_document, "");
  ASSERT_EQ(c.routing_rules.size(), 1u);
  EXPECT_EQ(c.routing_rules[0].source_channel, "orders");
  EXPECT_EQ(c.routing_rules[0].target_channel, "audit");
  EXPECT_EQ(c.routing_rules[0].predicate, "amount > 10");
}

// reference-compat.md §4: a reference liminal.toml loads unchanged.
TEST_F(ConfigLoaderTest, AReference023FileLoadsUnchanged) {
  Write("data/.keep", "");
  const std::string schema = "{\"type\":\"object\",\"required\":[\"id\"]}\n";
  Write("schemas/orders.json", schema);
  absl::StatusOr<config::ServerConfig> loaded = Load(kReference023);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const config::ServerConfig& c = *loaded;
  EXPECT_EQ(c.listen_address, (config::HostPort{"0.0.0.0", 4150}));
  EXPECT_EQ(c.health_listen_address, (config::HostPort{"0.0.0.0", 4151}));
  EXPECT_EQ(c.drain_timeout_ms, 30000);
  EXPECT_EQ(c.persistence_path, (dir() / "data").string());
  EXPECT_EQ(c.auth.token, "s3cret");
  EXPECT_THAT(c.auth.tokens, IsEmpty());
  EXPECT_FALSE(c.auth.token_file.has_value());
  EXPECT_THAT(c.auth.AcceptedTokens(), ElementsAre("s3cret"));
  EXPECT_EQ(c.services.profile, config::ServicesProfile::kFull);
  EXPECT_EQ(c.limits.max_connections, 256);
  EXPECT_EQ(c.limits.max_subscriptions_per_connection, 32);
  EXPECT_EQ(c.limits.max_conversations_per_connection, 32);
  EXPECT_EQ(c.limits.max_pending_pushes_per_connection, 32);
  EXPECT_EQ(c.limits.max_pending_conversation_replies_per_connection, 32);
  EXPECT_EQ(c.limits.max_pending_replies_per_conversation, 8);
  EXPECT_EQ(c.limits.max_connection_inbox_bytes, 4194304);
  EXPECT_EQ(c.limits.max_subscription_inbox_depth, 256);
  // Keys the reference does not have keep liminald's defaults.
  const config::LimitsConfig defaults;
  EXPECT_EQ(c.limits.max_frame_bytes, defaults.max_frame_bytes);
  EXPECT_EQ(c.limits.max_outbound_bytes, defaults.max_outbound_bytes);
  EXPECT_EQ(c.limits.handshake_timeout_ms, defaults.handshake_timeout_ms);
  EXPECT_EQ(c.limits.idle_timeout_ms, defaults.idle_timeout_ms);
  EXPECT_EQ(c.limits.conversation_reply_timeout_ms, defaults.conversation_reply_timeout_ms);
  EXPECT_EQ(c.limits.dedup_window_ms, defaults.dedup_window_ms);
  EXPECT_EQ(c.scheduler_threads, 0);
  EXPECT_EQ(c.log_format, config::LogFormat::kText);
  EXPECT_EQ(c.log_level, config::LogLevel::kInfo);
  EXPECT_FALSE(c.cluster.has_value());
  ASSERT_EQ(c.channels.size(), 3u);
  EXPECT_EQ(c.channels[0].name, "orders");
  EXPECT_TRUE(c.channels[0].durable);
  EXPECT_EQ(c.channels[0].schema_ref, (dir() / "schemas/orders.json").string());
  EXPECT_EQ(c.channels[0].schema_document, schema) << "the file's bytes, exactly";
  EXPECT_EQ(c.channels[0].fsync, config::FsyncPolicy::kAlways);
  EXPECT_EQ(c.channels[1].name, "audit");
  EXPECT_TRUE(c.channels[1].durable);
  EXPECT_FALSE(c.channels[1].schema_ref.has_value());
  EXPECT_EQ(c.channels[2].name, "events");
  EXPECT_FALSE(c.channels[2].durable);
  ASSERT_EQ(c.routing_rules.size(), 2u);
  EXPECT_EQ(c.routing_rules[0].source_channel, "orders");
  EXPECT_EQ(c.routing_rules[0].target_channel, "audit");
  EXPECT_EQ(c.routing_rules[0].predicate, "amount > 100");
  EXPECT_EQ(c.routing_rules[1].source_channel, "events");
  EXPECT_EQ(c.routing_rules[1].target_channel, "audit");
  EXPECT_FALSE(c.routing_rules[1].predicate.has_value());
}

// The same file with the reference's [cluster] section: every key is understood and valid,
// and the only error is the refusal of clustering itself.
TEST_F(ConfigLoaderTest, AReference023FileWithAClusterSectionIsRefusedOnlyForClustering) {
  Write("data/.keep", "");
  Write("schemas/orders.json", "{}");
  const std::string errors = LoadError(std::string(kReference023) + kReferenceCluster);
  EXPECT_THAT(errors, StartsWith("invalid configuration in " + (dir() / "liminald.toml").string() +
                                 ": cluster: "))
      << "exactly one error, keyed `cluster`";
  EXPECT_THAT(errors, HasSubstr("liminald does not support clustering yet"));
  EXPECT_THAT(errors, HasSubstr("remove the [cluster] section"));
}

TEST_F(ConfigLoaderTest, RelativePathsResolveAgainstTheConfigFileNotTheWorkingDirectory) {
  Write("nested/conf/schemas/s.json", "true");
  Write("nested/conf/store/.keep", "");
  const std::filesystem::path file = Write("nested/conf/liminald.toml", R"(
persistence_path = "store"
[[channels]]
name = "a"
schema_ref = "schemas/s.json"
[[channels]]
name = "b"
schema_ref = "../conf/./schemas/s.json"
)");
  ASSERT_NE(std::filesystem::current_path(), file.parent_path());
  absl::StatusOr<config::ServerConfig> loaded = LoadConfig(file, {});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const std::filesystem::path base = dir() / "nested/conf";
  EXPECT_EQ(loaded->persistence_path, (base / "store").string());
  EXPECT_EQ(loaded->channels[0].schema_ref, (base / "schemas/s.json").string());
  EXPECT_EQ(loaded->channels[1].schema_ref, (base / "schemas/s.json").string()) << "normalised";
  EXPECT_EQ(loaded->channels[0].schema_document, "true");
  EXPECT_EQ(loaded->channels[1].schema_document, "true");
}

TEST_F(ConfigLoaderTest, AbsolutePathsAreKept) {
  const std::filesystem::path schema = Write("elsewhere/s.json", "{}");
  absl::StatusOr<config::ServerConfig> loaded =
      Load("[[channels]]\nname = \"a\"\nschema_ref = \"" + schema.string() + "\"\n");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->channels[0].schema_ref, schema.string());
  EXPECT_EQ(loaded->channels[0].schema_document, "{}");
}

TEST_F(ConfigLoaderTest, UnknownKeysAreRejectedAtEveryLevelWithTheirFullPath) {
  const std::string errors = LoadError(R"(
listen_address = "127.0.0.1:7400"
colour = "blue"

[auth]
tokenz = ["x"]

[services]
profil = "full"

[limits]
max_conections = 1

[[channels]]
name = "orders"

[[channels]]
name = "audit"
retentoin = { max_messages = 1 }
retention = { max_mesages = 1 }

[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
filter = "x"
)");
  EXPECT_THAT(errors, HasSubstr("(7 errors)"));
  EXPECT_THAT(errors, HasSubstr("colour: unknown key (line 3)"));
  EXPECT_THAT(errors, HasSubstr("auth.tokenz: unknown key (line 6)"));
  EXPECT_THAT(errors, HasSubstr("services.profil: unknown key (line 9)"));
  EXPECT_THAT(errors, HasSubstr("limits.max_conections: unknown key (line 12)"));
  EXPECT_THAT(errors, HasSubstr("channels[1].retentoin: unknown key (line 19)"));
  EXPECT_THAT(errors, HasSubstr("channels[1].retention.max_mesages: unknown key (line 20)"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[0].filter: unknown key (line 25)"));
}

TEST_F(ConfigLoaderTest, UnknownKeyInLimitsIsRejected) {
  EXPECT_EQ(LoadError("[limits]\nmax_connections = 5\nmax_frames = 3\n"),
            "invalid configuration in " + (dir() / "liminald.toml").string() +
                ": limits.max_frames: unknown key (line 3)");
  // A limit written at the top level (the pre-[limits] layout) is unknown there.
  EXPECT_THAT(LoadError("max_connections = 5\n[limits]\nmax_frame_bytes = 2048\n"),
              HasSubstr(": max_connections: unknown key (line 1)"));
}

// The pre-reference key names are gone: each is an unknown key now.
TEST_F(ConfigLoaderTest, PreReferenceKeyNamesAreUnknown) {
  Write("orders.json", "{}");
  const std::string errors = LoadError(R"(
listen = "127.0.0.1:7400"
health_listen = "127.0.0.1:7401"
max_frame_bytes = 65536
subscription_pending_limit = 64

[[channels]]
name = "orders"
schema = "orders.json"

[[channels]]
name = "audit"

[[routing_rules]]
source = "orders"
target = "audit"
)");
  EXPECT_THAT(errors, HasSubstr("(9 errors)"));
  EXPECT_THAT(errors, HasSubstr("\n  - listen: unknown key (line 2)"));
  EXPECT_THAT(errors, HasSubstr("\n  - health_listen: unknown key (line 3)"));
  EXPECT_THAT(errors, HasSubstr("\n  - max_frame_bytes: unknown key (line 4)"));
  EXPECT_THAT(errors, HasSubstr("\n  - subscription_pending_limit: unknown key (line 5)"));
  EXPECT_THAT(errors, HasSubstr("\n  - channels[0].schema: unknown key (line 9)"));
  EXPECT_THAT(errors, HasSubstr("\n  - routing_rules[0].source: unknown key (line 15)"));
  EXPECT_THAT(errors, HasSubstr("\n  - routing_rules[0].target: unknown key (line 16)"));
  EXPECT_THAT(errors, HasSubstr("\n  - routing_rules[0].source_channel: must name a channel"));
  EXPECT_THAT(errors, HasSubstr("\n  - routing_rules[0].target_channel: must name a channel"));
}

TEST_F(ConfigLoaderTest, WrongTypesNameTheKey) {
  const std::string errors = LoadError(R"(
listen_address = 7400
drain_timeout_ms = "5s"
channels = { name = "x" }
[auth]
token = 1
tokens = ["ok", 3]
[services]
profile = 2
[limits]
max_connections = 1.5
)");
  EXPECT_THAT(errors, HasSubstr("(7 errors)"));
  EXPECT_THAT(errors, HasSubstr("listen_address: expected a string, got an integer (line 2)"));
  EXPECT_THAT(errors, HasSubstr("drain_timeout_ms: expected an integer, got a string (line 3)"));
  EXPECT_THAT(errors, HasSubstr("channels: expected an array, got a table"));
  EXPECT_THAT(errors, HasSubstr("auth.token: expected a string, got an integer (line 6)"));
  EXPECT_THAT(errors, HasSubstr("auth.tokens[1]: expected a string, got an integer"));
  EXPECT_THAT(errors, HasSubstr("services.profile: expected a string, got an integer (line 9)"));
  EXPECT_THAT(errors, HasSubstr("limits.max_connections: expected an integer, got a float"));
}

TEST_F(ConfigLoaderTest, BadEnumsAndAddressesNameTheKey) {
  const std::string errors = LoadError(R"(
health_listen_address = "localhost"
log_format = "yaml"
[services]
profile = "edge"
[[channels]]
name = "a"
fsync = "sometimes"
)");
  EXPECT_THAT(errors, HasSubstr("health_listen_address: expected host:port, got 'localhost'"));
  EXPECT_THAT(errors, HasSubstr("log_format: 'yaml' is not one of \"text\", \"json\""));
  EXPECT_THAT(errors,
              HasSubstr("services.profile: 'edge' is not one of \"full\", \"worker-front-door\" "
                        "(line 5)"));
  EXPECT_THAT(errors, HasSubstr("channels[0].fsync: 'sometimes' is not one of"));
}

TEST_F(ConfigLoaderTest, ServicesProfileTakesBothReferenceValues) {
  absl::StatusOr<config::ServerConfig> full = Load("[services]\nprofile = \"full\"\n");
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->services.profile, config::ServicesProfile::kFull);

  absl::StatusOr<config::ServerConfig> front_door =
      Load("[services]\nprofile = \"worker-front-door\"\n");
  ASSERT_TRUE(front_door.ok()) << front_door.status();
  EXPECT_EQ(front_door->services.profile, config::ServicesProfile::kWorkerFrontDoor);

  absl::StatusOr<config::ServerConfig> empty_section = Load("[services]\n");
  ASSERT_TRUE(empty_section.ok()) << empty_section.status();
  EXPECT_EQ(empty_section->services.profile, config::ServicesProfile::kFull);

  EXPECT_EQ(LoadError("[services]\nprofile = \"worker_front_door\"\n"),
            "invalid configuration in " + (dir() / "liminald.toml").string() +
                ": services.profile: 'worker_front_door' is not one of \"full\", "
                "\"worker-front-door\" (line 2)");
}

TEST_F(ConfigLoaderTest, EveryLimitMustBePositive) {
  for (const char* key :
       {"max_connections", "max_subscriptions_per_connection", "max_conversations_per_connection",
        "max_pending_pushes_per_connection", "max_pending_conversation_replies_per_connection",
        "max_pending_replies_per_conversation", "max_connection_inbox_bytes",
        "max_subscription_inbox_depth", "handshake_timeout_ms", "conversation_reply_timeout_ms",
        "dedup_window_ms"}) {
    for (int bad : {0, -1}) {
      EXPECT_EQ(LoadError(absl::StrCat("[limits]\n", key, " = ", bad, "\n")),
                absl::StrCat("invalid configuration in ", (dir() / "liminald.toml").string(),
                             ": limits.", key, ": must be >= 1, got ", bad))
          << key << " = " << bad;
    }
    absl::StatusOr<config::ServerConfig> one = Load(absl::StrCat("[limits]\n", key, " = 1\n"));
    EXPECT_TRUE(one.ok()) << key << " = 1: " << one.status();
  }
  EXPECT_THAT(LoadError("[limits]\nmax_frame_bytes = 0\n"),
              HasSubstr(": limits.max_frame_bytes: must be between 1024 and 1073741824, got 0"));
  EXPECT_THAT(LoadError("[limits]\nmax_outbound_bytes = 0\n"),
              HasSubstr(": limits.max_outbound_bytes: must be >= limits.max_frame_bytes "
                        "(16777216) so one frame always fits, got 0"));
  EXPECT_THAT(LoadError("[limits]\nidle_timeout_ms = -1\n"),
              HasSubstr(": limits.idle_timeout_ms: must be >= 0 (0 = disabled), got -1"));
  absl::StatusOr<config::ServerConfig> idle_off = Load("[limits]\nidle_timeout_ms = 0\n");
  ASSERT_TRUE(idle_off.ok()) << idle_off.status();
  EXPECT_EQ(idle_off->limits.idle_timeout_ms, 0);
}

TEST_F(ConfigLoaderTest, SyntaxErrorsCarryFileLineAndColumn) {
  absl::StatusOr<config::ServerConfig> loaded =
      Load("listen_address = \"127.0.0.1:7400\"\nport = @\n");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr((dir() / "liminald.toml").string() + ":2:8: TOML syntax error"));
}

TEST_F(ConfigLoaderTest, MissingFileIsNotFound) {
  absl::StatusOr<config::ServerConfig> loaded = LoadConfig(dir() / "absent.toml", {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("absent.toml"));
}

TEST_F(ConfigLoaderTest, ValidationRulesApplyToTheFile) {
  const std::string errors = LoadError(R"(
listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7400"
drain_timeout_ms = 0
[[channels]]
name = "orders"
[[channels]]
name = " orders"
[[routing_rules]]
source_channel = "orders"
target_channel = "ghost"
)");
  EXPECT_THAT(errors,
              HasSubstr("health_listen_address: port 7400 is also the listen_address port"));
  EXPECT_THAT(errors, HasSubstr("drain_timeout_ms: must be >= 1"));
  EXPECT_THAT(errors, HasSubstr("channels[1].name: 'orders' is already used by channels[0]"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[0].target_channel: unknown channel 'ghost'"));
}

TEST_F(ConfigLoaderTest, EmptyAuthTokenIsAnError) {
  EXPECT_EQ(LoadError("[auth]\ntoken = \"\"\n"),
            "invalid configuration in " + (dir() / "liminald.toml").string() +
                ": auth.token: must not be empty (omit [auth] to accept every client)");
}

TEST_F(ConfigLoaderTest, AcceptedTokensAreTheSingleTokenThenTheListThenTheTokenFile) {
  Write("tokens.txt", "from-file\n");
  absl::StatusOr<config::ServerConfig> loaded = Load(R"(
[auth]
token_file = "tokens.txt"
tokens = ["listed-1", "listed-2"]
token = "single"
)");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->auth.token, "single");
  EXPECT_THAT(loaded->auth.AcceptedTokens(),
              ElementsAre("single", "listed-1", "listed-2", "from-file"));

  absl::StatusOr<config::ServerConfig> only_token = Load("[auth]\ntoken = \"single\"\n");
  ASSERT_TRUE(only_token.ok()) << only_token.status();
  EXPECT_THAT(only_token->auth.tokens, IsEmpty());
  EXPECT_THAT(only_token->auth.AcceptedTokens(), ElementsAre("single"));
}

TEST_F(ConfigLoaderTest, AuthUsersAreReadFromArraysOfTables) {
  absl::StatusOr<config::ServerConfig> loaded = Load(R"(
[auth]
token = "admin-token"

[[auth.users]]
name = " reporter "
token = "r-token"
publish = ["reports.*"]
subscribe = ["orders.>", "audit"]

[[auth.users]]
name = "worker"
token = "w-token"
request = ["worker.emails"]
respond = ["worker.emails"]
)");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_THAT(loaded->auth.AcceptedTokens(), ElementsAre("admin-token"));
  ASSERT_EQ(loaded->auth.users.size(), 2u);
  const config::AuthUserConfig& reporter = loaded->auth.users[0];
  EXPECT_EQ(reporter.name, "reporter");
  EXPECT_EQ(reporter.token, "r-token");
  EXPECT_THAT(reporter.publish, ElementsAre("reports.*"));
  EXPECT_THAT(reporter.subscribe, ElementsAre("orders.>", "audit"));
  EXPECT_THAT(reporter.request, IsEmpty());
  EXPECT_THAT(reporter.respond, IsEmpty());
  const config::AuthUserConfig& worker = loaded->auth.users[1];
  EXPECT_THAT(worker.request, ElementsAre("worker.emails"));
  EXPECT_THAT(worker.respond, ElementsAre("worker.emails"));
}

TEST_F(ConfigLoaderTest, AuthUserMistakesNameTheKey) {
  const std::string errors = LoadError(R"(
[[auth.users]]
name = "reporter"
publish = "reports"
subcribe = ["x"]

[[auth.users]]
name = "reporter"
token = "t"
request = ["a..b", 7]
)");
  EXPECT_THAT(errors, HasSubstr("(6 errors)"));
  EXPECT_THAT(errors, HasSubstr("auth.users[0].publish: expected an array, got a string "
                                "(line 4)"));
  EXPECT_THAT(errors, HasSubstr("auth.users[0].subcribe: unknown key (line 5)"));
  EXPECT_THAT(errors, HasSubstr("auth.users[0].token: is missing"));
  EXPECT_THAT(errors, HasSubstr("auth.users[1].name: 'reporter' is already used"));
  EXPECT_THAT(errors, HasSubstr("auth.users[1].request[1]: expected a string, got an integer"));
  EXPECT_THAT(errors, HasSubstr("auth.users[1].request[0]: pattern 'a..b' has an empty token"));
}

TEST_F(ConfigLoaderTest, ClusterSectionIsParsedValidatedAndRefused) {
  const std::string errors = LoadError(R"(
[cluster]
node_name = " "
listen_address = "127.0.0.1:0"
seed_nodes = ["liminal-b@10.0.0.2", ""]
cookie = ""
)");
  EXPECT_THAT(errors, HasSubstr("(5 errors)"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.node_name: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.listen_address: port must be non-zero"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.seed_nodes[1]: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.cookie: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster: liminald does not support clustering yet"));
}

TEST_F(ConfigLoaderTest, EmptyClusterCookieIsAnError) {
  const std::string errors = LoadError(R"(
[cluster]
node_name = "liminal-a"
cookie = ""
)");
  EXPECT_THAT(errors, HasSubstr("(2 errors)"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.cookie: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("clustering"));
}

TEST_F(ConfigLoaderTest, ClusterKeysAreTypedAndUnknownOnesRejected) {
  const std::string errors = LoadError(R"(
[cluster]
node_name = "liminal-a"
cookie = "c"
seed_nodes = "liminal-b@10.0.0.2"
nodes = []
)");
  EXPECT_THAT(errors, HasSubstr("(3 errors)"));
  EXPECT_THAT(errors,
              HasSubstr("\n  - cluster.seed_nodes: expected an array, got a string (line 5)"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster.nodes: unknown key (line 6)"));
  EXPECT_THAT(errors, HasSubstr("\n  - cluster: liminald does not support clustering yet"));
}

// A cluster listen_address that does not decode is one error, like every other key: the
// loader must not go on to validate an address it never read.
TEST_F(ConfigLoaderTest, BadClusterListenAddressIsReportedOnce) {
  for (const char* value : {"\"nowhere\"", "4369"}) {
    const std::string errors =
        LoadError(absl::StrCat("[cluster]\nnode_name = \"liminal-a\"\ncookie = \"c\"\n",
                               "listen_address = ", value, "\n"));
    EXPECT_THAT(errors, HasSubstr("(2 errors)")) << errors;
    EXPECT_THAT(errors, HasSubstr("\n  - cluster.listen_address: expected ")) << value;
    EXPECT_THAT(errors, Not(HasSubstr("cluster.listen_address: host must not be empty"))) << value;
    EXPECT_THAT(errors, Not(HasSubstr("cluster.listen_address: port must be non-zero"))) << value;
    EXPECT_THAT(errors, HasSubstr("\n  - cluster: liminald does not support clustering yet"));
  }
}

TEST_F(ConfigLoaderTest, EnvironmentIsAppliedAfterTheFileAndBeforeValidation) {
  absl::StatusOr<config::ServerConfig> loaded =
      Load("drain_timeout_ms = 100\n", {{"LIMINAL_DRAIN_TIMEOUT_MS", "250"}});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->drain_timeout_ms, 250);

  // An override can fix an invalid file value...
  EXPECT_TRUE(Load("drain_timeout_ms = 0\n", {{"LIMINAL_DRAIN_TIMEOUT_MS", "1"}}).ok());
  // ...or break a valid one, and validation sees it.
  EXPECT_THAT(LoadError(kMinimal, {{"LIMINAL_HEALTH_LISTEN_ADDRESS", "127.0.0.1:7400"}}),
              HasSubstr("health_listen_address: port 7400 is also the listen_address port"));
}

// reference-compat.md §4: each of the reference's variables overrides its key in the file.
TEST_F(ConfigLoaderTest, ReferenceEnvironmentVariablesOverrideTheFile) {
  Write("file-data/.keep", "");
  Write("env-data/.keep", "");
  absl::StatusOr<config::ServerConfig> loaded =
      Load(R"(
listen_address = "127.0.0.1:9000"
health_listen_address = "127.0.0.1:9001"
drain_timeout_ms = 100
persistence_path = "file-data"
[auth]
token = "file-token"
tokens = ["listed"]
)",
           {
               {"LIMINAL_LISTEN_ADDRESS", "0.0.0.0:4150"},
               {"LIMINAL_HEALTH_LISTEN_ADDRESS", "0.0.0.0:4151"},
               {"LIMINAL_DRAIN_TIMEOUT_MS", "30000"},
               {"LIMINAL_PERSISTENCE_PATH", (dir() / "env-data").string()},
               {"LIMINAL_AUTH_TOKEN", "env-token"},
           });
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->listen_address, (config::HostPort{"0.0.0.0", 4150}));
  EXPECT_EQ(loaded->health_listen_address, (config::HostPort{"0.0.0.0", 4151}));
  EXPECT_EQ(loaded->drain_timeout_ms, 30000);
  EXPECT_EQ(loaded->persistence_path, (dir() / "env-data").string());
  EXPECT_EQ(loaded->auth.token, "env-token");
  EXPECT_THAT(loaded->auth.AcceptedTokens(), ElementsAre("env-token", "listed"));

  // LIMINAL_AUTH_TOKEN also works without an [auth] section.
  absl::StatusOr<config::ServerConfig> no_auth =
      Load(kMinimal, {{"LIMINAL_AUTH_TOKEN", "env-token"}});
  ASSERT_TRUE(no_auth.ok()) << no_auth.status();
  EXPECT_THAT(no_auth->auth.AcceptedTokens(), ElementsAre("env-token"));
}

TEST_F(ConfigLoaderTest, ReferenceEnvironmentVariablesAreValidatedLikeTheFile) {
  const std::string errors = LoadError(kMinimal, {{"LIMINAL_LISTEN_ADDRESS", "127.0.0.1:0"},
                                                  {"LIMINAL_DRAIN_TIMEOUT_MS", "0"},
                                                  {"LIMINAL_PERSISTENCE_PATH", "/nonexistent-x"},
                                                  {"LIMINAL_AUTH_TOKEN", " "}});
  EXPECT_THAT(errors, HasSubstr("(4 errors)"));
  EXPECT_THAT(errors, HasSubstr("\n  - LIMINAL_AUTH_TOKEN: is empty"));
  EXPECT_THAT(errors, HasSubstr("\n  - listen_address: port must be non-zero"));
  EXPECT_THAT(errors, HasSubstr("\n  - drain_timeout_ms: must be >= 1, got 0"));
  EXPECT_THAT(errors, HasSubstr("\n  - persistence_path: '/nonexistent-x' does not exist"));
}

TEST_F(ConfigLoaderTest, ClusterVariablesWithoutAClusterSectionAreLoadErrors) {
  for (const char* variable : {"LIMINAL_CLUSTER_NODE_NAME", "LIMINAL_CLUSTER_SEED_NODES",
                               "LIMINAL_CLUSTER_LISTEN_ADDRESS", "LIMINAL_CLUSTER_COOKIE"}) {
    const std::string value =
        absl::string_view(variable) == "LIMINAL_CLUSTER_LISTEN_ADDRESS" ? "0.0.0.0:4369" : "x";
    const std::string errors = LoadError(kMinimal, {{variable, value}});
    EXPECT_THAT(errors, StartsWith("invalid configuration in " +
                                   (dir() / "liminald.toml").string() + ": " + variable +
                                   ": is set but the configuration file has no [cluster] "
                                   "section (overrides cluster."))
        << "exactly one error: " << errors;
    EXPECT_THAT(errors, Not(HasSubstr("clustering"))) << "no section is made up to refuse";
  }
}

TEST_F(ConfigLoaderTest, ClusterVariablesApplyToTheFilesClusterSection) {
  // The file's section is incomplete; the environment completes it, so the only error left is
  // the refusal of clustering.
  const std::string file = "[cluster]\nnode_name = \"\"\ncookie = \"\"\n";
  const std::string complete =
      LoadError(file, {{"LIMINAL_CLUSTER_NODE_NAME", "liminal-a"},
                       {"LIMINAL_CLUSTER_SEED_NODES", "liminal-b@10.0.0.2,liminal-c@10.0.0.3"},
                       {"LIMINAL_CLUSTER_LISTEN_ADDRESS", "0.0.0.0:4369"},
                       {"LIMINAL_CLUSTER_COOKIE", "cookie"}});
  EXPECT_THAT(complete, StartsWith("invalid configuration in " +
                                   (dir() / "liminald.toml").string() + ": cluster: "))
      << "exactly one error: " << complete;
  EXPECT_THAT(complete, HasSubstr("clustering"));

  // The values reach validation: a bad seed list and listen address from the environment.
  const std::string bad =
      LoadError(file, {{"LIMINAL_CLUSTER_NODE_NAME", "liminal-a"},
                       {"LIMINAL_CLUSTER_SEED_NODES", "liminal-b@10.0.0.2, ,liminal-c@10.0.0.3"},
                       {"LIMINAL_CLUSTER_LISTEN_ADDRESS", "0.0.0.0:0"},
                       {"LIMINAL_CLUSTER_COOKIE", "cookie"}});
  EXPECT_THAT(bad, HasSubstr("(3 errors)"));
  EXPECT_THAT(bad, HasSubstr("\n  - cluster.listen_address: port must be non-zero, got "
                             "'0.0.0.0:0'"));
  EXPECT_THAT(bad, HasSubstr("\n  - cluster.seed_nodes[1]: must not be empty"));
  EXPECT_THAT(bad, HasSubstr("\n  - cluster: liminald does not support clustering yet"));
  EXPECT_THAT(bad, Not(HasSubstr("cluster.node_name")));
  EXPECT_THAT(bad, Not(HasSubstr("cluster.cookie")));

  EXPECT_THAT(LoadError(file, {{"LIMINAL_CLUSTER_NODE_NAME", "liminal-a"},
                               {"LIMINAL_CLUSTER_COOKIE", "cookie"},
                               {"LIMINAL_CLUSTER_LISTEN_ADDRESS", "nowhere"}}),
              HasSubstr("\n  - LIMINAL_CLUSTER_LISTEN_ADDRESS: expected host:port, got "
                        "'nowhere'"));
}

TEST_F(ConfigLoaderTest, PreReferenceVariablesAreIgnoredByTheLoader) {
  absl::StatusOr<config::ServerConfig> loaded =
      Load(kMinimal, {{"LIMINAL_LISTEN", "127.0.0.1:9000"},
                      {"LIMINAL_HEALTH_LISTEN", "127.0.0.1:9001"},
                      {"LIMINAL_SUBSCRIPTION_PENDING_LIMIT", "3"}});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->listen_address, (config::HostPort{"127.0.0.1", 7400}));
  EXPECT_EQ(loaded->health_listen_address, (config::HostPort{"127.0.0.1", 7401}));
  EXPECT_EQ(loaded->limits.max_subscription_inbox_depth, 1024);
}

TEST_F(ConfigLoaderTest, UnparseableOverridesAreLoadErrorsNamingTheVariable) {
  const std::string errors = LoadError(
      "colour = 1\n", {{"LIMINAL_MAX_CONNECTIONS", "lots"}, {"LIMINAL_LOG_LEVEL", "loud"}});
  EXPECT_THAT(errors, HasSubstr("(3 errors)"));
  EXPECT_THAT(errors, HasSubstr("colour: unknown key"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_MAX_CONNECTIONS: 'lots' is not an integer (overrides "
                                "limits.max_connections)"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_LOG_LEVEL: 'loud' is not one of"));
}

TEST_F(ConfigLoaderTest, EnvironmentAuthTokensReplaceFileTokens) {
  Write("tokens.txt", "from-file\n");
  absl::StatusOr<config::ServerConfig> loaded =
      Load("[auth]\ntokens = [\"inline\"]\ntoken_file = \"tokens.txt\"\n",
           {{"LIMINAL_AUTH_TOKENS", "env-1,env-2"}});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_THAT(loaded->auth.tokens, ElementsAre("env-1", "env-2"));
}

TEST_F(ConfigLoaderTest, EnvironmentPathsAreNotResolvedAgainstTheFile) {
  absl::StatusOr<config::ServerConfig> loaded = Load(kMinimal, {{"LIMINAL_PERSISTENCE_PATH", "/"}});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->persistence_path, "/");
}

TEST_F(ConfigLoaderTest, FlagsWinOverEnvironmentAndFile) {
  FlagOverrides flags;
  flags.listen = "127.0.0.1:9100";
  flags.log_format = "json";
  absl::StatusOr<config::ServerConfig> loaded =
      Load("listen_address = \"127.0.0.1:9000\"\n", {{"LIMINAL_LISTEN_ADDRESS", "127.0.0.1:9050"}},
           flags);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->listen_address.port, 9100);
  EXPECT_EQ(loaded->log_format, config::LogFormat::kJson);

  FlagOverrides bad;
  bad.health_listen = "nope";
  bad.log_level = "chatty";
  const std::string errors = LoadError(kMinimal, {}, bad);
  EXPECT_THAT(errors, HasSubstr("--health-listen: expected host:port, got 'nope'"));
  EXPECT_THAT(errors, HasSubstr("--log-level: 'chatty' is not one of"));
}

TEST_F(ConfigLoaderTest, TokenFileMustExistAndHoldTokens) {
  EXPECT_THAT(LoadError("[auth]\ntoken_file = \"missing.txt\"\n"),
              HasSubstr("auth.token_file: cannot read '" + (dir() / "missing.txt").string() +
                        "': No such file or directory"));
  Write("empty.txt", "# only a comment\n\n");
  EXPECT_THAT(
      LoadError("[auth]\ntoken_file = \"empty.txt\"\n"),
      HasSubstr("auth.token_file: '" + (dir() / "empty.txt").string() + "' contains no tokens"));
}

TEST_F(ConfigLoaderTest, AUsersTokenCanLiveInItsOwnFile) {
  Write("secrets/reporter.token", "# the reporting service\n\n  r-token-from-file  \n");
  absl::StatusOr<config::ServerConfig> loaded = Load(R"(
[[auth.users]]
name = "reporter"
token_file = "secrets/reporter.token"
subscribe = ["orders.>"]
)");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->auth.users.size(), 1u);
  EXPECT_EQ(loaded->auth.users[0].token, "r-token-from-file");
  EXPECT_EQ(loaded->auth.users[0].token_file, (dir() / "secrets/reporter.token").string());
}

TEST_F(ConfigLoaderTest, AUsersTokenFileMistakesNameTheKeyNeverTheToken) {
  Write("two.token", "first\nsecond\n");
  Write("empty.token", "# nothing yet\n");
  Write("shared.token", "admin-token\n");
  const std::string errors = LoadError(R"(
[auth]
token = "admin-token"
[[auth.users]]
name = "both"
token = "b"
token_file = "two.token"
[[auth.users]]
name = "two"
token_file = "two.token"
[[auth.users]]
name = "none"
token_file = "empty.token"
[[auth.users]]
name = "missing"
token_file = "missing.token"
[[auth.users]]
name = "blank"
token_file = " "
[[auth.users]]
name = "shared"
token_file = "shared.token"
)");
  EXPECT_THAT(errors, HasSubstr("(6 errors)"));
  EXPECT_THAT(errors, HasSubstr("auth.users[0].token_file: is set together with token"));
  EXPECT_THAT(errors, HasSubstr("auth.users[1].token_file: '" + (dir() / "two.token").string() +
                                "' holds 2 tokens; a user's token file holds exactly one"));
  EXPECT_THAT(errors, HasSubstr("auth.users[2].token_file: '" + (dir() / "empty.token").string() +
                                "' holds 0 tokens"));
  EXPECT_THAT(errors, HasSubstr("auth.users[3].token_file: cannot read '" +
                                (dir() / "missing.token").string() + "'"));
  EXPECT_THAT(errors, HasSubstr("auth.users[4].token_file: must not be empty"));
  EXPECT_THAT(errors, HasSubstr("auth.users[5].token: user 'shared' has the same token as a "
                                "shared token"));
  EXPECT_THAT(errors, Not(HasSubstr("first")));
  EXPECT_THAT(errors, Not(HasSubstr("admin-token")));
}

TEST_F(ConfigLoaderTest, SchemaFilesMustBeReadableJsonSchemas) {
  Write("broken.json", "{\"type\": ");
  Write("array.json", "[1, 2]");
  const std::string errors = LoadError(R"(
[[channels]]
name = "a"
schema_ref = "missing.json"
[[channels]]
name = "b"
schema_ref = "broken.json"
[[channels]]
name = "c"
schema_ref = "array.json"
)");
  EXPECT_THAT(errors, HasSubstr("(3 errors)"));
  EXPECT_THAT(errors,
              HasSubstr("channels[0].schema_ref: channel 'a': cannot read '" +
                        (dir() / "missing.json").string() + "': No such file or directory"));
  EXPECT_THAT(errors, HasSubstr("channels[1].schema_ref: '" + (dir() / "broken.json").string() +
                                "' is not valid JSON"));
  EXPECT_THAT(errors, HasSubstr("channels[2].schema_ref: '" + (dir() / "array.json").string() +
                                "' is not a JSON Schema"));
}

// liminal-server 0.2.1 required schema_ref and never read it, so 0.2.1 files hold labels
// there; the error explains that since 0.2.3 it is the path of a JSON Schema file.
TEST_F(ConfigLoaderTest, A021SchemaRefLabelGetsAnErrorExplainingThePath) {
  const std::string errors = LoadError(R"(
listen_address = "127.0.0.1:4150"
health_listen_address = "127.0.0.1:4151"

[[channels]]
name = "orders"
schema_ref = "orders-v1"
)");
  EXPECT_THAT(errors, StartsWith("invalid configuration in " + (dir() / "liminald.toml").string() +
                                 ": channels[0].schema_ref: channel 'orders': cannot read '" +
                                 (dir() / "orders-v1").string() + "': No such file or directory"))
      << "exactly one error";
  EXPECT_THAT(errors, HasSubstr("schema_ref is the path of the channel's JSON Schema file"));
  EXPECT_THAT(errors, HasSubstr("relative to the configuration file"));
  EXPECT_THAT(errors, HasSubstr("0.2.3"));
  EXPECT_THAT(errors, HasSubstr("0.2.1 required it but never read it"));
  EXPECT_THAT(errors, HasSubstr("remove it for a channel that accepts any payload"));
}

TEST_F(ConfigLoaderTest, BlankSchemaRefIsAValidationErrorAndIsNotRead) {
  const std::string errors = LoadError("[[channels]]\nname = \"a\"\nschema_ref = \" \"\n");
  EXPECT_EQ(errors, "invalid configuration in " + (dir() / "liminald.toml").string() +
                        ": channels[0].schema_ref: must not be empty (omit it for a channel "
                        "without a schema)");
}

TEST_F(ConfigLoaderTest, PersistencePathMustExist) {
  EXPECT_THAT(LoadError("persistence_path = \"nowhere\"\n"),
              HasSubstr("persistence_path: '" + (dir() / "nowhere").string() + "' does not exist"));
}

TEST_F(ConfigLoaderTest, PersistencePathMustBeADirectory) {
  Write("plain-file", "x");
  EXPECT_THAT(
      LoadError("persistence_path = \"plain-file\"\n"),
      HasSubstr("persistence_path: '" + (dir() / "plain-file").string() + "' is not a directory"));
}

TEST_F(ConfigLoaderTest, PersistencePathMustBeWritable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write to any directory";
  Write("locked/.keep", "");
  std::filesystem::permissions(
      dir() / "locked", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  EXPECT_THAT(LoadError("persistence_path = \"locked\"\n"),
              HasSubstr("persistence_path: directory '" + (dir() / "locked").string() +
                        "' is not writable by this process"));
}

TEST_F(ConfigLoaderTest, WritablePersistencePathIsAccepted) {
  Write("store/.keep", "");
  absl::StatusOr<config::ServerConfig> loaded = Load("persistence_path = \"store\"\n");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_THAT(std::string(loaded.status().message()), Not(HasSubstr("persistence_path")));
}

TEST_F(ConfigLoaderTest, AllErrorsFromEveryStageComeTogether) {
  const std::string errors = LoadError(
      R"(
bogus = true
listen_address = "127.0.0.1:0"
persistence_path = "nowhere"
[auth]
token_file = "missing.txt"
[[channels]]
name = "orders"
schema_ref = "orders-v1"
)",
      {{"LIMINAL_MAX_FRAME_BYTES", "big"}});
  EXPECT_THAT(errors, HasSubstr("invalid configuration in " + (dir() / "liminald.toml").string() +
                                " (6 errors):"));
  EXPECT_THAT(errors, HasSubstr("bogus: unknown key"));                        // decoding
  EXPECT_THAT(errors, HasSubstr("LIMINAL_MAX_FRAME_BYTES: 'big'"));            // environment
  EXPECT_THAT(errors, HasSubstr("auth.token_file: cannot read"));              // token file
  EXPECT_THAT(errors, HasSubstr("listen_address: port must be non-zero"));     // validation
  EXPECT_THAT(errors, HasSubstr("channels[0].schema_ref: channel 'orders'"));  // schema files
  EXPECT_THAT(errors, HasSubstr("persistence_path: '"));                       // file system
}

}  // namespace
}  // namespace liminal::daemon
