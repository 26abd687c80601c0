// Per-client permissions against the real liminald, started from the README's least-privilege
// example (config/examples/permissions.toml): each user may do exactly what its patterns list,
// anything else gets E_FORBIDDEN (0x010A) on the same connection, which stays usable; denials
// are counted per user and operation in /metrics and logged once per kind per connection; a
// shared token keeps every permission; the `liminal` CLI passes a user's token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/blocking_client.h"
#include "client/client_error.h"
#include "core/protocol/reason_code.h"
#include "tests/e2e/cli/liminal_cli.h"
#include "tests/e2e/protocol/protocol_test_util.h"

namespace liminal::e2e {
namespace {

using client::BlockingClient;
using client::WorkerRegisterResult;
using client::WorkerRegistration;
using protocol::ReasonCode;
using protocol::ToWire;
using ::testing::HasSubstr;
using ::testing::Optional;

std::string ExampleConfig() {
  std::ifstream in(std::filesystem::path(LIMINAL_SOURCE_DIR) / "config/examples/permissions.toml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

WorkerRegistration Registration(const std::string& task_queue) {
  WorkerRegistration registration;
  registration.namespaces = {"default"};
  registration.task_queue = task_queue;
  registration.activity_types = {"send"};
  registration.identity = "worker-" + task_queue;
  return registration;
}

// A refused operation: E_FORBIDDEN, PERMISSION_DENIED, and a message naming user and action.
void ExpectForbidden(const absl::Status& status, std::string_view text) {
  EXPECT_THAT(client::GetReasonCode(status), Optional(ToWire(ReasonCode::kForbidden))) << status;
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_THAT(status.message(), HasSubstr("E_FORBIDDEN (0x010a)"));
  EXPECT_THAT(status.message(), HasSubstr(std::string(text)));
}

size_t Count(std::string_view haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class PermissionsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string config = ExampleConfig();
    ASSERT_THAT(config, HasSubstr("[[auth.users]]"));
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = StartDaemon(config);
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  std::unique_ptr<BlockingClient> As(const std::string& token) {
    absl::StatusOr<std::unique_ptr<BlockingClient>> c = ConnectClient(*daemon_, token);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }

  double Denied(const std::string& user, const std::string& operation) {
    absl::StatusOr<double> value =
        ReadMetric(daemon_->health(), absl::StrCat("liminal_permission_denied_total{operation=\"",
                                                   operation, "\",user=\"", user, "\"}"));
    EXPECT_TRUE(value.ok()) << value.status();
    return value.value_or(-1);
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(PermissionsE2eTest, APublisherPublishesWhereAllowedAndKeepsItsConnectionElsewhere) {
  std::unique_ptr<BlockingClient> orders = As("order-service-secret");
  ASSERT_NE(orders, nullptr);
  EXPECT_TRUE(orders->Publish("orders.eu", R"({"id":1})", kCallTimeout).ok());

  absl::StatusOr<client::PublishResult> denied = orders->Publish("audit", "{}", kCallTimeout);
  ASSERT_FALSE(denied.ok());
  ExpectForbidden(denied.status(),
                  "user 'order-service' is not permitted to publish to channel 'audit'");
  // Not even an unconfigured channel's existence is revealed.
  absl::StatusOr<client::PublishResult> unknown = orders->Publish("nope", "{}", kCallTimeout);
  ASSERT_FALSE(unknown.ok());
  ExpectForbidden(unknown.status(), "channel 'nope'");

  // Same connection, still serving.
  EXPECT_TRUE(orders->Ping(kCallTimeout).ok());
  absl::StatusOr<client::PublishResult> again = orders->Publish("orders.us", "{}", kCallTimeout);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->message_id, 1u);

  auto sub = orders->Subscribe("orders.eu", kCallTimeout);
  ASSERT_FALSE(sub.ok());
  ExpectForbidden(sub.status(), "not permitted to subscribe to channel 'orders.eu'");
  absl::StatusOr<std::string> reply = orders->Request("pricing", "{}", kCallTimeout);
  ASSERT_FALSE(reply.ok());
  ExpectForbidden(reply.status(), "not permitted to open a conversation on subject 'pricing'");
  EXPECT_TRUE(orders->Publish("orders.eu", "{}", kCallTimeout).ok());

  EXPECT_EQ(Denied("order-service", "publish"), 2);
  EXPECT_EQ(Denied("order-service", "subscribe"), 1);
  EXPECT_EQ(Denied("order-service", "request"), 1);
  EXPECT_EQ(Denied("order-service", "respond"), 0);
  EXPECT_EQ(Denied("reporting", "publish"), 0);  // every user's series exists from the start
}

TEST_F(PermissionsE2eTest, DenialsAreLoggedOncePerKindPerConnection) {
  std::unique_ptr<BlockingClient> orders = As("order-service-secret");
  ASSERT_NE(orders, nullptr);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(orders->Publish("audit", "{}", kCallTimeout).ok());
  // A denial of another kind, logged after the publish ones by the same connection.
  EXPECT_FALSE(orders->Subscribe("audit", kCallTimeout).ok());
  ASSERT_TRUE(daemon_->process()
                  .WaitForStderrLine("may not subscribe to channel 'audit'", kStepTimeout)
                  .ok());
  const std::string log = daemon_->stderr_text();
  EXPECT_EQ(Count(log, "may not publish to channel 'audit'"), 1u) << log;
  EXPECT_THAT(log,
              HasSubstr("permission denied: user 'order-service' (connection from 127.0.0.1:"));
  EXPECT_EQ(Denied("order-service", "publish"), 5);
}

TEST_F(PermissionsE2eTest, ASubscriberReceivesWhatItMayReadAndNothingElse) {
  std::unique_ptr<BlockingClient> reporting = As("reporting-secret");
  std::unique_ptr<BlockingClient> orders = As("order-service-secret");
  ASSERT_NE(reporting, nullptr);
  ASSERT_NE(orders, nullptr);
  auto sub = reporting->Subscribe("orders.eu", kCallTimeout);
  ASSERT_TRUE(sub.ok()) << sub.status();
  ASSERT_TRUE(orders->Publish("orders.eu", R"({"id":7})", kCallTimeout).ok());
  absl::StatusOr<client::Delivery> delivery = (*sub)->Next(kCallTimeout);
  ASSERT_TRUE(delivery.ok()) << delivery.status();
  EXPECT_EQ(delivery->payload, R"({"id":7})");

  absl::StatusOr<client::PublishResult> denied =
      reporting->Publish("orders.eu", "{}", kCallTimeout);
  ASSERT_FALSE(denied.ok());
  ExpectForbidden(denied.status(), "user 'reporting'");
  EXPECT_THAT(reporting->Request("pricing", "quote?", kCallTimeout), IsOkAndHolds("quote?"));
  absl::StatusOr<std::string> email = reporting->Request("worker.emails", "hi", kCallTimeout);
  ASSERT_FALSE(email.ok());
  ExpectForbidden(email.status(), "subject 'worker.emails'");

  // The subscription survived the denials.
  ASSERT_TRUE(orders->Publish("orders.eu", R"({"id":8})", kCallTimeout).ok());
  delivery = (*sub)->Next(kCallTimeout);
  ASSERT_TRUE(delivery.ok()) << delivery.status();
  EXPECT_EQ(delivery->payload, R"({"id":8})");
}

TEST_F(PermissionsE2eTest, AWorkerRegistersOnlyForItsQueueAndServesPermittedRequesters) {
  std::unique_ptr<BlockingClient> worker = As("email-worker-secret");
  std::unique_ptr<BlockingClient> web = As("web-secret");
  ASSERT_NE(worker, nullptr);
  ASSERT_NE(web, nullptr);
  absl::StatusOr<WorkerRegisterResult> sms =
      worker->RegisterWorker(Registration("sms"), kCallTimeout);
  ASSERT_TRUE(sms.ok()) << sms.status();
  EXPECT_FALSE(sms->accepted);
  EXPECT_THAT(sms->rejection_reason, HasSubstr("E_FORBIDDEN (0x010a)"));
  EXPECT_THAT(sms->rejection_reason,
              HasSubstr("user 'email-worker' is not permitted to register as a worker for "
                        "'worker.sms'"));
  absl::StatusOr<WorkerRegisterResult> emails =
      worker->RegisterWorker(Registration("emails"), kCallTimeout);
  ASSERT_TRUE(emails.ok()) << emails.status();
  EXPECT_TRUE(emails->accepted) << emails->rejection_reason;

  std::future<absl::StatusOr<size_t>> served = std::async(std::launch::async, [&worker] {
    return worker->ServePushes(
        [](uint64_t, std::string_view payload) {
          return absl::StrCat("sent:", std::string(payload));
        },
        1, kCallTimeout);
  });
  EXPECT_THAT(web->Request("worker.emails", "hello", kCallTimeout), IsOkAndHolds("sent:hello"));
  EXPECT_THAT(served.get(), IsOkAndHolds(1u));
  EXPECT_EQ(Denied("email-worker", "respond"), 1);
}

TEST_F(PermissionsE2eTest, TheSharedTokenIsPermittedEverything) {
  std::unique_ptr<BlockingClient> admin = As("admin-secret");
  ASSERT_NE(admin, nullptr);
  EXPECT_TRUE(admin->Publish("audit", "{}", kCallTimeout).ok());
  EXPECT_TRUE(admin->Subscribe("orders.us", kCallTimeout).ok());
  EXPECT_THAT(admin->Request("anything", "x", kCallTimeout), IsOkAndHolds("x"));
  absl::StatusOr<WorkerRegisterResult> registered =
      admin->RegisterWorker(Registration("sms"), kCallTimeout);
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_TRUE(registered->accepted);
}

TEST_F(PermissionsE2eTest, AnUnknownTokenIsRefusedAtTheHandshake) {
  absl::StatusOr<std::unique_ptr<BlockingClient>> c = ConnectClient(*daemon_, "web-secret-");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(client::GetReasonCode(c.status()),
              Optional(ToWire(ReasonCode::kAuthenticationFailure)));
}

TEST_F(PermissionsE2eTest, TheCliPassesAUsersToken) {
  LiminalCli cli(daemon_->listen().ToString());
  absl::StatusOr<CliRun> allowed =
      cli.Run({"--token", "order-service-secret", "pub", "orders.eu", "{}"});
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ(allowed->exit_code, 0) << allowed->err;

  absl::StatusOr<CliRun> denied =
      cli.Run({"pub", "audit", "{}"}, {.env = {{"LIMINAL_TOKEN", "order-service-secret"}}});
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_EQ(denied->exit_code, 1) << denied->err;  // refused by the server, not a connect error
  EXPECT_THAT(denied->err, HasSubstr("E_FORBIDDEN (0x010a): user 'order-service' is not "
                                     "permitted to publish to channel 'audit'"));
}

// A user whose token lives in its own file (token_file, next to the config): the daemon
// reads it at startup and the user connects with it, holding exactly its permissions.
TEST(PermissionsTokenFileE2eTest, AUserConnectsWithTheTokenFromItsFile) {
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = StartDaemon(
      R"(
[[channels]]
name = "orders.eu"
[[channels]]
name = "audit"
[[auth.users]]
name = "order-service"
token_file = "order-service.token"
publish = ["orders.*"]
)",
      {{"order-service.token", "# issued 2026-12\norder-service-from-file\n"}});
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  absl::StatusOr<std::unique_ptr<BlockingClient>> orders =
      ConnectClient(**daemon, "order-service-from-file");
  ASSERT_TRUE(orders.ok()) << orders.status();
  EXPECT_TRUE((*orders)->Publish("orders.eu", "{}", kCallTimeout).ok());
  absl::StatusOr<client::PublishResult> denied = (*orders)->Publish("audit", "{}", kCallTimeout);
  ASSERT_FALSE(denied.ok());
  ExpectForbidden(denied.status(), "user 'order-service' is not permitted to publish");
  EXPECT_FALSE(ConnectClient(**daemon, "# issued 2026-12").ok()) << "comments are not tokens";
}

}  // namespace
}  // namespace liminal::e2e
