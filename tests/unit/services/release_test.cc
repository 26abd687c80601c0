// Release (server-behaviour.md §1 "Cleanup on close"): every close route frees the
// connection's subscriptions and conversations exactly once — peer close, client Disconnect,
// ForceClose/Shutdown, and a crash released by the supervisor's exit monitor — and
// HasSubscriptions drives NotifyShutdown.
#include "core/server/services/conversations/responder.h"
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

class ReleaseTest : public ServicesTest {
 protected:
  // A connection holding two subscriptions (one with undelivered messages) and one
  // conversation with a pending flagged request.
  Client Busy(const Client& publisher, std::string address) {
    Client client = Connect(std::move(address));
    Subscribe(client, 1, "orders", /*max_in_flight=*/1);
    Subscribe(client, 3, "audit");
    client.Send(OpenFrame(5, 1, "hold"));
    client.Send(MessageFrame(5, 1, "q", true));
    Run();
    for (int i = 0; i < 3; ++i) Publish(publisher, 1, "orders", "m");
    client.Take();
    return client;
  }

  void StartWithHold() {
    Start();
    ASSERT_TRUE(services_->responders()
                    .Register("hold", ResponderFromFunction([this](ParticipantContext& ctx,
                                                                   std::string, ReplyHandle reply) {
                                participants_.push_back(ctx.pid());
                                replies_.push_back(std::move(reply));
                              }))
                    .ok());
  }

  // Everything the connection held is gone, and counted down exactly once.
  void ExpectReleased(const Client& publisher) {
    EXPECT_EQ(SubscriptionsGauge(), 0);
    EXPECT_EQ(services_->channels().Find("orders")->subscription_count(), 0u);
    EXPECT_EQ(services_->channels().Find("audit")->subscription_count(), 0u);
    EXPECT_EQ(metrics_.conversations_current.Value(), 0);
    for (runtime::Pid pid : participants_) EXPECT_FALSE(rt_.scheduler().IsAlive(pid));
    EXPECT_EQ(rt_.clock().pending_timers(), 0u);
    for (ReplyHandle& reply : replies_) EXPECT_FALSE(reply.Send("late"));
    ExpectPublishAck(Publish(publisher, 1, "orders", "after"), 1, 4, false);
    EXPECT_EQ(metrics_.ConversationReplies(metrics::ConversationReplyOutcome::kParticipantCrashed)
                  .Value(),
              0u);
  }

  std::vector<runtime::Pid> participants_;
  std::vector<ReplyHandle> replies_;
};

TEST_F(ReleaseTest, PeerClose) {
  StartWithHold();
  Client publisher = Connect();
  Client busy = Busy(publisher, "10.0.0.2:4000");
  EXPECT_EQ(SubscriptionsGauge(), 2);
  busy.peer->Close();
  Run();
  EXPECT_FALSE(busy.handle.is_live());
  ExpectReleased(publisher);
}

TEST_F(ReleaseTest, ClientDisconnect) {
  StartWithHold();
  Client publisher = Connect();
  Client busy = Busy(publisher, "10.0.0.2:4000");
  busy.Send(protocol::MakeFrame(protocol::Disconnect{}));
  Run();
  EXPECT_FALSE(busy.handle.is_live());
  ExpectReleased(publisher);
}

TEST_F(ReleaseTest, ForceCloseAndShutdown) {
  StartWithHold();
  Client publisher = Connect();
  Client busy = Busy(publisher, "10.0.0.2:4000");
  EXPECT_EQ(supervisor_->ForceClose(busy.pid()), ControlOutcome::kDelivered);
  Run();
  EXPECT_FALSE(busy.handle.is_live());
  ExpectReleased(publisher);
  supervisor_->Shutdown();
  Run();
  EXPECT_EQ(supervisor_->ActiveCount(), 0u);
  EXPECT_EQ(SubscriptionsGauge(), 0);
}

TEST_F(ReleaseTest, CrashIsReleasedByTheExitMonitor) {
  StartWithHold();
  Client publisher = Connect();
  Client busy = Busy(publisher, "10.0.0.2:4000");
  busy.handle.request_crash();
  Run();
  EXPECT_FALSE(busy.handle.is_live());
  EXPECT_FALSE(supervisor_->IsTracked(busy.pid()));
  ExpectReleased(publisher);
  // Reaping afterwards finds nothing left to release.
  EXPECT_EQ(supervisor_->ReapCrashedConnections(), 0u);
  EXPECT_EQ(SubscriptionsGauge(), 0);
}

TEST_F(ReleaseTest, ShedThenCloseCountsTheSubscriptionOnce) {
  options_.max_subscription_inbox_depth = 1;
  Start();
  Client publisher = Connect();
  Client slow = Connect("10.0.0.2:4000");
  Subscribe(slow, 1, "orders", /*max_in_flight=*/1);
  slow.peer->Stall();  // nothing the server writes reaches the client
  for (int i = 0; i < 4; ++i) Publish(publisher, 1, "orders", "m");
  EXPECT_EQ(Shed(), 1u);
  EXPECT_EQ(SubscriptionsGauge(), 0);
  slow.peer->Close();
  Run();
  EXPECT_EQ(SubscriptionsGauge(), 0);
  EXPECT_EQ(Shed(), 1u);
}

TEST_F(ReleaseTest, NotifyShutdownReachesOnlyConnectionsWithSubscriptions) {
  Start();
  Client subscriber = Connect();
  Client idle = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  supervisor_->NotifyShutdown(/*every_connection=*/false);
  Run();
  EXPECT_EQ(OfType(subscriber.Take(), FrameType::kDisconnect).size(), 1u);
  EXPECT_TRUE(idle.Take().empty());
}

}  // namespace
}  // namespace liminal::server::services::testing
