// A reference liminal.toml loads unchanged into the real liminald (reference-compat.md §4):
// a full 0.2.3 file (every section and key) serves publish/subscribe and enforces its JSON
// Schema; a 0.2.1 file loads and serves; a 0.2.1 schema_ref that is not a file, and a
// [cluster] section, are refused with a message that says why. Then each reference
// environment variable (LIMINAL_LISTEN_ADDRESS, ..., LIMINAL_CLUSTER_*) takes effect.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/protocol/reason_code.h"
#include "tests/e2e/compat/compat_test_util.h"
#include "tests/e2e/support/http_client.h"

namespace liminal::e2e::compat {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// A 0.2.3 liminal.toml with every section and key of the reference.
constexpr absl::string_view kFull023Config = R"(listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7401"
drain_timeout_ms = 5000
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
durable = false

[[channels]]
name = "audit"
durable = false

[[channels]]
name = "ledger"
durable = true

[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
)";

// A 0.2.1 liminal.toml: schema_ref was required on every channel (and never read).
std::string Config021(absl::string_view orders_schema_ref, absl::string_view audit_schema_ref) {
  return absl::StrCat(R"(listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7401"
drain_timeout_ms = 5000
persistence_path = "data"

[[channels]]
name = "orders"
schema_ref = ")",
                      orders_schema_ref, R"("
durable = false

[[channels]]
name = "audit"
schema_ref = ")",
                      audit_schema_ref, R"("
durable = false

[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
)");
}

// The reference's [cluster] section.
constexpr absl::string_view kClusterSection = R"(
[cluster]
node_name = "liminal@127.0.0.1"
listen_address = "127.0.0.1:7500"
seed_nodes = ["a@h:1"]
cookie = "secret-cookie"
)";

DaemonProcessOptions Options(std::string config_toml,
                             std::map<std::string, std::string> files = ReferenceFiles()) {
  DaemonProcessOptions options;
  options.config_toml = std::move(config_toml);
  options.files = std::move(files);
  options.dirs = {"data"};
  return options;
}

// Runs liminald to completion (it must exit by itself).
DaemonProcess::Result RunToExit(DaemonProcessOptions options) {
  absl::StatusOr<DaemonProcess::Result> result = DaemonProcess::Run(std::move(options), 10s);
  EXPECT_TRUE(result.ok()) << "liminald did not exit by itself: " << result.status();
  return result.value_or(DaemonProcess::Result{.exit_code = -999});
}

// `liminald --check` on `options`.
DaemonProcess::Result Check(DaemonProcessOptions options) {
  options.args.push_back("--check");
  return RunToExit(std::move(options));
}

// A load that must fail: non-zero exit, nothing announced, and every key of the file
// recognised (the refusal is about what the keys say, not their names).
void ExpectRefused(const DaemonProcess::Result& r) {
  EXPECT_NE(r.exit_code, 0) << "stdout: " << r.stdout_text << "\nstderr: " << r.stderr_text;
  EXPECT_THAT(r.stdout_text, Not(HasSubstr("\"event\":\"listening\"")));
  EXPECT_THAT(r.stderr_text, Not(HasSubstr("unknown key")));
}

std::string Lower(absl::string_view text) { return absl::AsciiStrToLower(text); }

// A loopback port that was free a moment ago (bound to port 0, then released).
uint16_t FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

absl::StatusOr<std::unique_ptr<DaemonProcess>> Start(DaemonProcessOptions options) {
  return DaemonProcess::Start(std::move(options));
}

// ---------------------------------------------------------------------------------------
// Configuration files

TEST(ReferenceConfigTest, Full023FileStartsServesAndEnforcesTheSchema) {
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon =
      Start(Options(std::string(kFull023Config)));
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  absl::StatusOr<RawClient> subscriber = SdkConnect(**daemon, "s3cret");
  absl::StatusOr<RawClient> publisher = SdkConnect(**daemon, "s3cret");
  ASSERT_TRUE(subscriber.ok()) << subscriber.status();
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  ASSERT_TRUE(SdkSubscribe(*subscriber, "orders").ok());

  absl::StatusOr<uint64_t> ack = SdkPublish(*publisher, "orders", R"({"id":7})");
  ASSERT_TRUE(ack.ok()) << ack.status();
  absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*subscriber);
  ASSERT_TRUE(deliver.ok()) << deliver.status();
  EXPECT_EQ(deliver->envelope.payload, R"({"id":7})");

  for (const std::string payload : {R"({"name":"no id"})", "not json"}) {
    ASSERT_TRUE(SendPublish(*publisher, "orders", MakeEnvelope(payload)).ok());
    absl::StatusOr<protocol::PublishError> refused = NextAs<protocol::PublishError>(*publisher);
    ASSERT_TRUE(refused.ok()) << payload << ": " << refused.status();
    EXPECT_EQ(refused->reason_code, protocol::ToWire(protocol::ReasonCode::kSchemaInvalid))
        << payload;
  }

  // The durable channel (its log under persistence_path) takes publishes too.
  absl::StatusOr<uint64_t> durable = SdkPublish(*publisher, "ledger", "entry-1");
  EXPECT_TRUE(durable.ok()) << durable.status();
}

TEST(ReferenceConfigTest, Reference021FileLoadsAndServes) {
  std::map<std::string, std::string> files = ReferenceFiles();
  files["schemas/audit.json"] = R"({"type":"object"})";
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon =
      Start(Options(Config021("schemas/orders.json", "schemas/audit.json"), files));
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  absl::StatusOr<RawClient> orders_sub = SdkConnect(**daemon);
  absl::StatusOr<RawClient> audit_sub = SdkConnect(**daemon);
  absl::StatusOr<RawClient> publisher = SdkConnect(**daemon);
  ASSERT_TRUE(orders_sub.ok() && audit_sub.ok() && publisher.ok());
  absl::StatusOr<protocol::SubscribeAck> orders = SdkSubscribe(*orders_sub, "orders");
  absl::StatusOr<protocol::SubscribeAck> audit = SdkSubscribe(*audit_sub, "audit");
  ASSERT_TRUE(orders.ok()) << orders.status();
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_EQ(Hex(audit->selected_schema), Hex(ReferenceSchemaId(files["schemas/audit.json"])));

  ASSERT_TRUE(SdkPublish(*publisher, "orders", R"({"id":1})").ok());
  for (RawClient* subscriber : {&*orders_sub, &*audit_sub}) {
    absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*subscriber);
    ASSERT_TRUE(deliver.ok()) << deliver.status();
    EXPECT_EQ(deliver->envelope.payload, R"({"id":1})");
  }
}

TEST(ReferenceConfigTest, Reference021SchemaRefThatIsNotAFileIsRefusedExplainingItIsAPath) {
  const DaemonProcess::Result r = RunToExit(Options(Config021("orders-v1", "audit-v1")));
  ExpectRefused(r);
  EXPECT_THAT(r.stderr_text, HasSubstr("schema_ref"));
}

TEST(ReferenceConfigTest, ClusterSectionIsRefusedAsNotSupported) {
  // Without [cluster] the same file is valid, so the refusal is the cluster's.
  const DaemonProcess::Result without = Check(Options(std::string(kReferenceConfig)));
  EXPECT_EQ(without.exit_code, 0) << without.stderr_text;

  const DaemonProcess::Result r =
      RunToExit(Options(absl::StrCat(kReferenceConfig, kClusterSection)));
  ExpectRefused(r);
  EXPECT_THAT(Lower(r.stderr_text), HasSubstr("cluster"));
}

// ---------------------------------------------------------------------------------------
// Environment variables

TEST(ReferenceEnvironmentTest, ListenAddressVariablesChooseTheListeners) {
  const uint16_t listen_port = FreeLoopbackPort();
  uint16_t health_port = FreeLoopbackPort();
  while (health_port == listen_port) health_port = FreeLoopbackPort();
  ASSERT_NE(listen_port, 0);
  ASSERT_NE(health_port, 0);
  DaemonProcessOptions options = Options(std::string(kReferenceConfig));
  options.ephemeral_ports = false;
  options.env["LIMINAL_LISTEN_ADDRESS"] = absl::StrCat("127.0.0.1:", listen_port);
  options.env["LIMINAL_HEALTH_LISTEN_ADDRESS"] = absl::StrCat("127.0.0.1:", health_port);
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  EXPECT_EQ((*daemon)->listen().port, listen_port);
  EXPECT_EQ((*daemon)->health().port, health_port);
  absl::StatusOr<RawClient> client = SdkConnect(**daemon);
  EXPECT_TRUE(client.ok()) << client.status();
  absl::StatusOr<HttpResponse> health = HttpGet((*daemon)->health(), "/health", kStepTimeout);
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);
}

TEST(ReferenceEnvironmentTest, DrainTimeoutVariableIsValidatedAndTakesEffect) {
  DaemonProcessOptions bad = Options(std::string(kReferenceConfig));
  bad.env["LIMINAL_DRAIN_TIMEOUT_MS"] = "abc";
  const DaemonProcess::Result r = Check(bad);
  ExpectRefused(r);
  EXPECT_THAT(r.stderr_text, HasSubstr("LIMINAL_DRAIN_TIMEOUT_MS"));

  // The file says 60 s; the variable says 200 ms. A client that never closes holds the drain
  // open until the timeout, so the daemon only exits in time if the variable took effect.
  std::string config(kReferenceConfig);
  config.replace(config.find("drain_timeout_ms = 5000"), 23, "drain_timeout_ms = 60000");
  DaemonProcessOptions good = Options(config);
  good.env["LIMINAL_DRAIN_TIMEOUT_MS"] = "200";
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = Start(good);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  absl::StatusOr<RawClient> lingering = SdkConnect(**daemon);
  ASSERT_TRUE(lingering.ok()) << lingering.status();
  EXPECT_THAT((*daemon)->Stop(5s), IsOkAndHolds(0)) << "drain did not end after 200 ms";
}

TEST(ReferenceEnvironmentTest, PersistencePathVariableReplacesTheFilesPath) {
  const std::string durable_config = absl::StrCat(kReferenceConfig, R"(
[[channels]]
name = "ledger"
durable = true
)");
  auto with_path = [&](absl::string_view path) {
    std::string config = durable_config;
    config.insert(config.find("[[channels]]"),
                  absl::StrCat("persistence_path = \"", path, "\"\n\n"));
    return config;
  };

  // The file's directory exists, the variable's does not: a load error naming the key.
  DaemonProcessOptions missing = Options(with_path("data"));
  missing.env["LIMINAL_PERSISTENCE_PATH"] = "nowhere";
  const DaemonProcess::Result r = RunToExit(missing);
  ExpectRefused(r);
  EXPECT_THAT(r.stderr_text, HasSubstr("persistence_path"));

  // The other way round: it starts (the file's directory does not exist), and serves the
  // durable channel.
  DaemonProcessOptions existing = Options(with_path("missing"));
  existing.dirs = {"elsewhere"};
  existing.env["LIMINAL_PERSISTENCE_PATH"] = "elsewhere";  // relative to the working dir
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = Start(existing);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  absl::StatusOr<RawClient> publisher = SdkConnect(**daemon);
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  absl::StatusOr<uint64_t> ack = SdkPublish(*publisher, "ledger", "entry-1");
  EXPECT_TRUE(ack.ok()) << ack.status();
}

TEST(ReferenceEnvironmentTest, AuthTokenVariableReplacesTheFilesToken) {
  DaemonProcessOptions options =
      Options(absl::StrCat(kReferenceConfig, "\n[auth]\ntoken = \"s3cret\"\n"));
  options.env["LIMINAL_AUTH_TOKEN"] = "from-env";
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();

  for (const std::string wrong : {"s3cret", "", "from-env-but-longer"}) {
    SCOPED_TRACE(absl::StrCat("token '", wrong, "'"));
    absl::StatusOr<RawClient> client = RawClient::Connect((*daemon)->listen());
    ASSERT_TRUE(client.ok()) << client.status();
    ASSERT_TRUE(client->Send(protocol::MakeFrame(protocol::Connect{{1, 0}, {1, 0}, wrong})).ok());
    absl::StatusOr<protocol::ConnectError> refused = client->NextConnectError();
    ASSERT_TRUE(refused.ok()) << refused.status();
    EXPECT_EQ(refused->reason_code, protocol::ToWire(protocol::ReasonCode::kAuthenticationFailure));
  }
  absl::StatusOr<RawClient> client = SdkConnect(**daemon, "from-env");
  EXPECT_TRUE(client.ok()) << client.status();
}

TEST(ReferenceEnvironmentTest, ClusterVariablesWithoutAClusterSectionAreALoadError) {
  const std::pair<std::string, std::string> variables[] = {
      {"LIMINAL_CLUSTER_NODE_NAME", "liminal@127.0.0.1"},
      {"LIMINAL_CLUSTER_SEED_NODES", "a@h:1,b@h:2"},
      {"LIMINAL_CLUSTER_LISTEN_ADDRESS", "127.0.0.1:7500"},
      {"LIMINAL_CLUSTER_COOKIE", "secret-cookie"},
  };
  for (const auto& [variable, value] : variables) {
    SCOPED_TRACE(variable);
    DaemonProcessOptions options = Options(std::string(kReferenceConfig));
    options.env[variable] = value;
    const DaemonProcess::Result r = Check(options);
    ExpectRefused(r);
    EXPECT_THAT(Lower(r.stderr_text), HasSubstr("cluster"));
  }
}

TEST(ReferenceEnvironmentTest, ClusterVariableWithAClusterSectionGetsTheClusterRefusal) {
  DaemonProcessOptions options = Options(absl::StrCat(kReferenceConfig, kClusterSection));
  options.env["LIMINAL_CLUSTER_NODE_NAME"] = "other@127.0.0.1";
  const DaemonProcess::Result r = RunToExit(options);
  ExpectRefused(r);
  EXPECT_THAT(Lower(r.stderr_text), HasSubstr("cluster"));
}

}  // namespace
}  // namespace liminal::e2e::compat
