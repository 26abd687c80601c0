// Per-client permissions where the operations are dispatched (README "Per-client
// permissions"): the real supervisor, connection process and services, with named users and a
// shared token. A denied Publish, Subscribe, ConversationOpen or WorkerRegister gets E_FORBIDDEN
// on its own stream, is counted per user and operation, is logged once per kind per
// connection, and leaves the connection serving.
#include "core/auth/permissions.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/auth/user_credential.h"
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

using protocol::ReasonCode;
using ::testing::HasSubstr;

constexpr char kReporterToken[] = "reporter-token";
constexpr char kSharedToken[] = "shared-token";

auth::UserCredential User(std::string name, std::string token,
                          const auth::PermissionPatterns& patterns) {
  absl::StatusOr<auth::Permissions> permissions = auth::Permissions::Parse(patterns);
  EXPECT_TRUE(permissions.ok()) << permissions.status();
  return {.name = std::move(name), .token = std::move(token), .permissions = *permissions};
}

class PermissionsTest : public ServicesTest {
 protected:
  void StartWithUsers() {
    options_.channels.push_back(Channel("orders.eu", 0x44));
    SupervisorOptions supervisor;
    supervisor.metrics = &metrics_;
    supervisor.connection.auth_tokens = {kSharedToken};
    supervisor.connection.auth_users = {User("reporter", kReporterToken,
                                             {.publish = {"orders.*"},
                                              .subscribe = {"audit"},
                                              .request = {"pricing.*", "worker.emails"},
                                              .respond = {"worker.emails"}}),
                                        User("nobody", "nobody-token", {})};
    supervisor.connection.access_report = [this](const std::string& line) { log_.push_back(line); };
    Start(std::move(supervisor));
  }

  double Denied(const std::string& user, const std::string& operation) {
    return static_cast<double>(metrics_.PermissionDenied(user, operation).Value());
  }

  // Ping → Pong: the connection still serves.
  void ExpectServing(const Client& client) {
    client.Send(PingFrame());
    Run();
    std::vector<Frame> frames = client.Take();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(TypeOf(frames[0]), FrameType::kPong);
    EXPECT_FALSE(client.peer->server_closed());
  }

  std::vector<std::string> log_;
};

TEST_F(PermissionsTest, PublishIsCheckedAgainstTheUsersPatterns) {
  StartWithUsers();
  Client reporter = Connect("10.0.0.1:4000", kReporterToken);
  ExpectPublishAck(Publish(reporter, 1, "orders.eu", "{}"), 1, 1, false);
  ExpectError<protocol::PublishError>(Publish(reporter, 3, "audit", "{}"), FrameType::kPublishError,
                                      3, ReasonCode::kForbidden,
                                      "user 'reporter' is not permitted to publish to channel "
                                      "'audit'");
  // Denied before the channel is looked up: an unknown channel says nothing about the config.
  ExpectError<protocol::PublishError>(Publish(reporter, 5, "secret", "{}"),
                                      FrameType::kPublishError, 5, ReasonCode::kForbidden,
                                      "'secret'");
  ExpectServing(reporter);
  ExpectPublishAck(Publish(reporter, 1, "orders.eu", "{}"), 1, 2, false);
  EXPECT_EQ(Denied("reporter", "publish"), 2);
  EXPECT_EQ(metrics_.Publishes(metrics::PublishOutcome::kRejected).Value(), 2u);
  EXPECT_EQ(metrics_.Publishes(metrics::PublishOutcome::kAcked).Value(), 2u);
}

TEST_F(PermissionsTest, SubscribeIsCheckedOnTheChannelWithoutItsReplaySuffix) {
  StartWithUsers();
  Client reporter = Connect("10.0.0.1:4000", kReporterToken);
  EXPECT_NE(Subscribe(reporter, 3, "audit"), 0u);
  reporter.Send(SubscribeFrame(5, "orders"));
  reporter.Send(SubscribeFrame(7, "orders?from=1"));
  reporter.Send(SubscribeFrame(9, "orders?bogus"));   // denied, not "malformed query"
  reporter.Send(SubscribeFrame(11, "audit?from=1"));  // permitted; audit is not durable
  Run();
  std::vector<Frame> frames = reporter.Take();
  ASSERT_EQ(frames.size(), 4u);
  ExpectError<protocol::SubscribeError>(frames[0], FrameType::kSubscribeError, 5,
                                        ReasonCode::kForbidden,
                                        "not permitted to subscribe to channel 'orders'");
  ExpectError<protocol::SubscribeError>(frames[1], FrameType::kSubscribeError, 7,
                                        ReasonCode::kForbidden, "channel 'orders'");
  ExpectError<protocol::SubscribeError>(frames[2], FrameType::kSubscribeError, 9,
                                        ReasonCode::kForbidden, "channel 'orders'");
  ExpectError<protocol::SubscribeError>(frames[3], FrameType::kSubscribeError, 11,
                                        ReasonCode::kUnknownChannel, "'audit' is not durable");
  EXPECT_EQ(SubscriptionsGauge(), 1);
  EXPECT_EQ(Denied("reporter", "subscribe"), 3);

  // The permitted subscription keeps receiving.
  Client shared = Connect("10.0.0.2:4000", kSharedToken);
  ExpectPublishAck(Publish(shared, 1, "audit", "{\"n\":1}"), 1, 1, true);
  Run();
  EXPECT_THAT(Payloads(reporter.Take()), ::testing::ElementsAre("{\"n\":1}"));
}

TEST_F(PermissionsTest, RequestCoversConversationsAndWorkerSubjects) {
  StartWithUsers();
  Client reporter = Connect("10.0.0.1:4000", kReporterToken);
  reporter.Send(OpenFrame(3, 1, "pricing.eu"));
  reporter.Send(OpenFrame(5, 2, "pricing"));
  reporter.Send(OpenFrame(7, 3, "worker.sms"));
  reporter.Send(OpenFrame(9, 4, "worker.emails"));
  Run();
  std::vector<Frame> frames = reporter.Take();
  ASSERT_EQ(frames.size(), 2u);
  ExpectError<protocol::ConversationError>(frames[0], FrameType::kConversationError, 5,
                                           ReasonCode::kForbidden,
                                           "not permitted to open a conversation on subject "
                                           "'pricing'");
  ExpectError<protocol::ConversationError>(frames[1], FrameType::kConversationError, 7,
                                           ReasonCode::kForbidden, "'worker.sms'");
  EXPECT_EQ(std::get<protocol::ConversationError>(frames[1].body).conversation_id, 3u);
  EXPECT_EQ(metrics_.conversations_opened_total.Value(), 2u);
  EXPECT_EQ(Denied("reporter", "request"), 2);
  // The permitted conversation answers (the echo responder).
  reporter.Send(MessageFrame(3, 1, "quote", /*reply=*/true));
  Run();
  frames = reporter.Take();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kConversationMessage);
  // The denied id was never opened: reusing it is not E_CONVERSATION_OPEN.
  reporter.Send(OpenFrame(5, 2, "pricing.us"));
  Run();
  EXPECT_TRUE(reporter.Take().empty());
}

TEST_F(PermissionsTest, RespondCoversWorkerRegistration) {
  StartWithUsers();
  Client reporter = Connect("10.0.0.1:4000", kReporterToken);
  reporter.Send(protocol::MakeFrame(
      protocol::WorkerRegister{{"default"}, "sms", std::nullopt, {"send"}, "w-1"}));
  reporter.Send(protocol::MakeFrame(
      protocol::WorkerRegister{{"default"}, "emails", std::nullopt, {"send"}, "w-1"}));
  Run();
  std::vector<Frame> frames = reporter.Take();
  ASSERT_EQ(frames.size(), 2u);
  const auto& denied = std::get<protocol::WorkerRegisterAck>(frames[0].body);
  ASSERT_FALSE(denied.accepted());
  EXPECT_THAT(*denied.rejection_reason, HasSubstr("E_FORBIDDEN (0x010a)"));
  EXPECT_THAT(*denied.rejection_reason,
              HasSubstr("user 'reporter' is not permitted to register as a worker for "
                        "'worker.sms'"));
  EXPECT_TRUE(std::get<protocol::WorkerRegisterAck>(frames[1].body).accepted());
  EXPECT_EQ(Denied("reporter", "respond"), 1);
  ExpectServing(reporter);
}

TEST_F(PermissionsTest, AUserWithoutPatternsMayDoNothingButStaysConnected) {
  StartWithUsers();
  Client nobody = Connect("10.0.0.1:4000", "nobody-token");
  ExpectError<protocol::PublishError>(Publish(nobody, 1, "orders.eu", "{}"),
                                      FrameType::kPublishError, 1, ReasonCode::kForbidden,
                                      "user 'nobody'");
  nobody.Send(SubscribeFrame(3, "audit"));
  nobody.Send(OpenFrame(5, 1, "pricing.eu"));
  Run();
  std::vector<Frame> frames = nobody.Take();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kSubscribeError);
  EXPECT_EQ(TypeOf(frames[1]), FrameType::kConversationError);
  ExpectServing(nobody);
}

TEST_F(PermissionsTest, ASharedTokenIsPermittedEverything) {
  StartWithUsers();
  Client shared = Connect("10.0.0.1:4000", kSharedToken);
  ExpectPublishAck(Publish(shared, 1, "orders", "{}"), 1, 1, false);
  EXPECT_NE(Subscribe(shared, 3, "orders"), 0u);
  shared.Send(OpenFrame(5, 1, "pricing"));
  shared.Send(protocol::MakeFrame(
      protocol::WorkerRegister{{"default"}, "sms", std::nullopt, {"send"}, "w-1"}));
  Run();
  std::vector<Frame> frames = shared.Take();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(std::get<protocol::WorkerRegisterAck>(frames[0].body).accepted());
  EXPECT_TRUE(log_.empty());
}

TEST_F(PermissionsTest, WithoutAuthEveryClientIsPermittedEverything) {
  Start();
  Client anyone = Connect();
  ExpectPublishAck(Publish(anyone, 1, "orders", "{}"), 1, 1, false);
  EXPECT_NE(Subscribe(anyone, 3, "audit"), 0u);
}

TEST_F(PermissionsTest, AnUnknownTokenIsAnAuthenticationFailure) {
  StartWithUsers();
  auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler(), "10.0.0.9:1");
  ASSERT_TRUE(supervisor_->SpawnConnection(std::move(socket)).ok());
  peer->WriteFrame(ConnectFrame("reporter-token "));
  Run();
  std::vector<Frame> frames = peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(std::get<protocol::ConnectError>(frames[0].body).reason_code,
            protocol::ToWire(ReasonCode::kAuthenticationFailure));
  EXPECT_TRUE(peer->server_closed());
}

TEST_F(PermissionsTest, DenialsAreLoggedOncePerKindPerConnection) {
  StartWithUsers();
  Client reporter = Connect("10.0.0.1:4000", kReporterToken);
  for (int i = 0; i < 5; ++i) {
    reporter.Send(PublishFrame(1, "audit", "{}"));
    reporter.Send(SubscribeFrame(static_cast<uint32_t>(3 + 2 * i), "orders"));
  }
  Run();
  EXPECT_EQ(OfType(reporter.Take(), FrameType::kPublishError).size(), 5u);
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_THAT(log_[0], HasSubstr("permission denied: user 'reporter' (connection from "
                                 "10.0.0.1:4000) may not publish to channel 'audit'"));
  EXPECT_THAT(log_[0], HasSubstr("further publish denials on this connection are counted"));
  EXPECT_THAT(log_[1], HasSubstr("may not subscribe to channel 'orders'"));
  EXPECT_EQ(Denied("reporter", "publish"), 5);
  EXPECT_EQ(Denied("reporter", "subscribe"), 5);

  // Another connection of the same user is reported again, once.
  Client again = Connect("10.0.0.2:4000", kReporterToken);
  again.Send(PublishFrame(1, "audit", "{}"));
  again.Send(PublishFrame(1, "audit", "{}"));
  Run();
  ASSERT_EQ(log_.size(), 3u);
  EXPECT_THAT(log_[2], HasSubstr("10.0.0.2:4000"));
}

TEST_F(PermissionsTest, EveryUsersSeriesIsExportedFromTheStart) {
  StartWithUsers();
  const std::string text = metrics_.RenderPrometheusText();
  for (const char* user : {"reporter", "nobody"}) {
    for (const char* op : {"publish", "subscribe", "request", "respond"}) {
      EXPECT_THAT(text, HasSubstr(absl::StrCat("liminal_permission_denied_total{operation=\"", op,
                                               "\",user=\"", user, "\"} 0\n")));
    }
  }
}

}  // namespace
}  // namespace liminal::server::services::testing
