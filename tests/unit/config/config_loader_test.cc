#include "daemon/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/config/server_config.h"
#include "tests/e2e/support/temp_dir.h"

namespace liminal::daemon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMinimal[] = R"(
listen = "127.0.0.1:7400"
health_listen = "127.0.0.1:7401"

[[channels]]
name = "orders"
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
  for (const char* relative : {"config/liminald.toml", "config/examples/durable.toml"}) {
    absl::StatusOr<config::ServerConfig> loaded =
        LoadConfig(std::filesystem::path(LIMINAL_SOURCE_DIR) / relative, {});
    ASSERT_TRUE(loaded.ok()) << relative << ": " << loaded.status();
    EXPECT_EQ(loaded->listen, (config::HostPort{"127.0.0.1", 7400})) << relative;
  }
}

TEST_F(ConfigLoaderTest, AbsentKeysKeepTheirDefaults) {
  absl::StatusOr<config::ServerConfig> loaded = Load(kMinimal);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->drain_timeout_ms, 5000);
  EXPECT_EQ(loaded->max_frame_bytes, 1048576);
  ASSERT_EQ(loaded->channels.size(), 1u);
  EXPECT_EQ(loaded->channels[0].fsync, config::FsyncPolicy::kGroup);
}

TEST_F(ConfigLoaderTest, ReadsEveryKey) {
  Write("data/.keep", "");
  Write("tokens.txt", "# comment\n\n  file-token  \nsecond\n");
  Write("schemas/orders.json", R"({"type":"object"})");
  absl::StatusOr<config::ServerConfig> loaded = Load(R"(
listen = "127.0.0.1:9000"
health_listen = "[::1]:9001"
scheduler_threads = 4
drain_timeout_ms = 1500
persistence_path = "data"
log_format = "json"
log_level = "warn"
max_frame_bytes = 65536
max_connections = 12
max_outbound_bytes = 131072
handshake_timeout_ms = 2000
idle_timeout_ms = 60000
conversation_reply_timeout_ms = 700
dedup_window_ms = 1000
max_subscriptions_per_connection = 8
subscription_pending_limit = 64

[auth]
tokens = ["inline"]
token_file = "tokens.txt"

[[channels]]
name = "  orders  "
durable = true
schema_ref = "orders-v1"
schema = "schemas/orders.json"
fsync = "always"
retention = { max_messages = 10, max_bytes = 20, max_age_ms = 30 }

[[channels]]
name = "audit"

[[routing_rules]]
source = " orders "
target = "audit"
predicate = "amount > 10"
)");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const config::ServerConfig& c = *loaded;
  EXPECT_EQ(c.listen, (config::HostPort{"127.0.0.1", 9000}));
  EXPECT_EQ(c.health_listen, (config::HostPort{"::1", 9001}));
  EXPECT_EQ(c.scheduler_threads, 4);
  EXPECT_EQ(c.drain_timeout_ms, 1500);
  EXPECT_EQ(c.persistence_path, (dir() / "data").string());
  EXPECT_EQ(c.log_format, config::LogFormat::kJson);
  EXPECT_EQ(c.log_level, config::LogLevel::kWarn);
  EXPECT_EQ(c.max_frame_bytes, 65536);
  EXPECT_EQ(c.max_connections, 12);
  EXPECT_EQ(c.max_outbound_bytes, 131072);
  EXPECT_EQ(c.handshake_timeout_ms, 2000);
  EXPECT_EQ(c.idle_timeout_ms, 60000);
  EXPECT_EQ(c.conversation_reply_timeout_ms, 700);
  EXPECT_EQ(c.dedup_window_ms, 1000);
  EXPECT_EQ(c.max_subscriptions_per_connection, 8);
  EXPECT_EQ(c.subscription_pending_limit, 64);
  EXPECT_THAT(c.auth.tokens, ElementsAre("inline", "file-token", "second"));
  EXPECT_EQ(c.auth.token_file, (dir() / "tokens.txt").string());
  ASSERT_EQ(c.channels.size(), 2u);
  EXPECT_EQ(c.channels[0].name, "orders");
  EXPECT_TRUE(c.channels[0].durable);
  EXPECT_EQ(c.channels[0].schema_ref, "orders-v1");
  EXPECT_EQ(c.channels[0].schema, (dir() / "schemas/orders.json").string());
  EXPECT_EQ(c.channels[0].schema_document, R"({"type":"object"})");
  EXPECT_EQ(c.channels[0].fsync, config::FsyncPolicy::kAlways);
  EXPECT_EQ(c.channels[0].retention.max_messages, 10);
  EXPECT_EQ(c.channels[0].retention.max_bytes, 20);
  EXPECT_EQ(c.channels[0].retention.max_age_ms, 30);
  EXPECT_FALSE(c.channels[1].durable);
  EXPECT_EQ(c.channels[1].schema_document, "");
  ASSERT_EQ(c.routing_rules.size(), 1u);
  EXPECT_EQ(c.routing_rules[0].source, "orders");
  EXPECT_EQ(c.routing_rules[0].target, "audit");
  EXPECT_EQ(c.routing_rules[0].predicate, "amount > 10");
}

TEST_F(ConfigLoaderTest, RelativePathsResolveAgainstTheConfigFileNotTheWorkingDirectory) {
  Write("nested/conf/schemas/s.json", "true");
  Write("nested/conf/store/.keep", "");
  const std::filesystem::path file = Write("nested/conf/liminald.toml", R"(
persistence_path = "store"
[[channels]]
name = "a"
schema = "schemas/s.json"
[[channels]]
name = "b"
schema = "../conf/./schemas/s.json"
)");
  ASSERT_NE(std::filesystem::current_path(), file.parent_path());
  absl::StatusOr<config::ServerConfig> loaded = LoadConfig(file, {});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const std::filesystem::path base = dir() / "nested/conf";
  EXPECT_EQ(loaded->persistence_path, (base / "store").string());
  EXPECT_EQ(loaded->channels[0].schema, (base / "schemas/s.json").string());
  EXPECT_EQ(loaded->channels[1].schema, (base / "schemas/s.json").string()) << "normalised";
  EXPECT_EQ(loaded->channels[0].schema_document, "true");
}

TEST_F(ConfigLoaderTest, AbsolutePathsAreKept) {
  const std::filesystem::path schema = Write("elsewhere/s.json", "{}");
  absl::StatusOr<config::ServerConfig> loaded =
      Load("[[channels]]\nname = \"a\"\nschema = \"" + schema.string() + "\"\n");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->channels[0].schema, schema.string());
}

TEST_F(ConfigLoaderTest, UnknownKeysAreRejectedAtEveryLevelWithTheirFullPath) {
  const std::string errors = LoadError(R"(
listen = "127.0.0.1:7400"
colour = "blue"

[auth]
tokenz = ["x"]

[[channels]]
name = "orders"

[[channels]]
name = "audit"
retentoin = { max_messages = 1 }
retention = { max_mesages = 1 }

[[routing_rules]]
source = "orders"
target = "audit"
filter = "x"
)");
  EXPECT_THAT(errors, HasSubstr("(5 errors)"));
  EXPECT_THAT(errors, HasSubstr("colour: unknown key (line 3)"));
  EXPECT_THAT(errors, HasSubstr("auth.tokenz: unknown key (line 6)"));
  EXPECT_THAT(errors, HasSubstr("channels[1].retentoin: unknown key (line 13)"));
  EXPECT_THAT(errors, HasSubstr("channels[1].retention.max_mesages: unknown key (line 14)"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[0].filter: unknown key (line 19)"));
}

TEST_F(ConfigLoaderTest, WrongTypesNameTheKey) {
  const std::string errors = LoadError(R"(
listen = 7400
drain_timeout_ms = "5s"
max_connections = 1.5
channels = { name = "x" }
[auth]
tokens = ["ok", 3]
)");
  EXPECT_THAT(errors, HasSubstr("listen: expected a string, got an integer (line 2)"));
  EXPECT_THAT(errors, HasSubstr("drain_timeout_ms: expected an integer, got a string (line 3)"));
  EXPECT_THAT(errors, HasSubstr("max_connections: expected an integer, got a float"));
  EXPECT_THAT(errors, HasSubstr("channels: expected an array, got a table"));
  EXPECT_THAT(errors, HasSubstr("auth.tokens[1]: expected a string, got an integer"));
}

TEST_F(ConfigLoaderTest, BadEnumsAndAddressesNameTheKey) {
  const std::string errors = LoadError(R"(
health_listen = "localhost"
log_format = "yaml"
[[channels]]
name = "a"
fsync = "sometimes"
)");
  EXPECT_THAT(errors, HasSubstr("health_listen: expected host:port, got 'localhost'"));
  EXPECT_THAT(errors, HasSubstr("log_format: 'yaml' is not one of \"text\", \"json\""));
  EXPECT_THAT(errors, HasSubstr("channels[0].fsync: 'sometimes' is not one of"));
}

TEST_F(ConfigLoaderTest, SyntaxErrorsCarryFileLineAndColumn) {
  absl::StatusOr<config::ServerConfig> loaded = Load("listen = \"127.0.0.1:7400\"\nport = @\n");
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
listen = "127.0.0.1:7400"
health_listen = "127.0.0.1:7400"
drain_timeout_ms = 0
[[channels]]
name = "orders"
[[channels]]
name = " orders"
[[routing_rules]]
source = "orders"
target = "ghost"
)");
  EXPECT_THAT(errors, HasSubstr("health_listen: port 7400 is also the listen port"));
  EXPECT_THAT(errors, HasSubstr("drain_timeout_ms: must be >= 1"));
  EXPECT_THAT(errors, HasSubstr("channels[1].name: 'orders' is already used by channels[0]"));
  EXPECT_THAT(errors, HasSubstr("routing_rules[0].target: unknown channel 'ghost'"));
}

TEST_F(ConfigLoaderTest, EnvironmentIsAppliedAfterTheFileAndBeforeValidation) {
  absl::StatusOr<config::ServerConfig> loaded =
      Load("drain_timeout_ms = 100\n", {{"LIMINAL_DRAIN_TIMEOUT_MS", "250"}});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->drain_timeout_ms, 250);

  // An override can fix an invalid file value...
  EXPECT_TRUE(Load("drain_timeout_ms = 0\n", {{"LIMINAL_DRAIN_TIMEOUT_MS", "1"}}).ok());
  // ...or break a valid one, and validation sees it.
  EXPECT_THAT(LoadError(kMinimal, {{"LIMINAL_HEALTH_LISTEN", "127.0.0.1:7400"}}),
              HasSubstr("health_listen: port 7400 is also the listen port"));
}

TEST_F(ConfigLoaderTest, UnparseableOverridesAreLoadErrorsNamingTheVariable) {
  const std::string errors = LoadError(
      "colour = 1\n", {{"LIMINAL_MAX_CONNECTIONS", "lots"}, {"LIMINAL_LOG_LEVEL", "loud"}});
  EXPECT_THAT(errors, HasSubstr("(3 errors)"));
  EXPECT_THAT(errors, HasSubstr("colour: unknown key"));
  EXPECT_THAT(errors, HasSubstr("LIMINAL_MAX_CONNECTIONS: 'lots' is not an integer"));
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
      Load("listen = \"127.0.0.1:9000\"\n", {{"LIMINAL_LISTEN", "127.0.0.1:9050"}}, flags);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->listen.port, 9100);
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

TEST_F(ConfigLoaderTest, SchemaFilesMustBeReadableJsonSchemas) {
  Write("broken.json", "{\"type\": ");
  Write("array.json", "[1, 2]");
  const std::string errors = LoadError(R"(
[[channels]]
name = "a"
schema = "missing.json"
[[channels]]
name = "b"
schema = "broken.json"
[[channels]]
name = "c"
schema = "array.json"
)");
  EXPECT_THAT(errors, HasSubstr("channels[0].schema: cannot read '"));
  EXPECT_THAT(errors, HasSubstr("channels[1].schema: '" + (dir() / "broken.json").string() +
                                "' is not valid JSON"));
  EXPECT_THAT(errors, HasSubstr("channels[2].schema: '" + (dir() / "array.json").string() +
                                "' is not a JSON Schema"));
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
listen = "127.0.0.1:0"
persistence_path = "nowhere"
[auth]
token_file = "missing.txt"
)",
      {{"LIMINAL_MAX_FRAME_BYTES", "big"}});
  EXPECT_THAT(errors, HasSubstr("invalid configuration in " + (dir() / "liminald.toml").string() +
                                " (5 errors):"));
  EXPECT_THAT(errors, HasSubstr("bogus: unknown key"));              // decoding
  EXPECT_THAT(errors, HasSubstr("LIMINAL_MAX_FRAME_BYTES: 'big'"));  // environment
  EXPECT_THAT(errors, HasSubstr("auth.token_file: cannot read"));    // token file
  EXPECT_THAT(errors, HasSubstr("listen: port must be non-zero"));   // validation
  EXPECT_THAT(errors, HasSubstr("persistence_path: '"));             // file system
}

}  // namespace
}  // namespace liminal::daemon
