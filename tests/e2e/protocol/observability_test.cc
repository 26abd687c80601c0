// /health, /ready and /metrics of the real liminald while clients use the protocol
// (server-behaviour.md §7): the probes answer, and the counters follow the traffic exactly —
// connections, frames in and out by type, publishes, deliveries, acks, subscriptions and
// conversations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "client/blocking_client.h"
#include "tests/e2e/protocol/protocol_test_util.h"
#include "tests/e2e/support/http_client.h"

namespace liminal::e2e {
namespace {

using client::BlockingClient;
using client::BlockingSubscription;
using client::Delivery;

class ObservabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon =
        StartDaemon(std::string(kDefaultDaemonConfig));
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  // Every series in `expected` has exactly that value in one scrape.
  void ExpectMetrics(const std::map<std::string, double>& expected) {
    absl::StatusOr<HttpResponse> metrics = HttpGet(daemon_->health(), "/metrics", kStepTimeout);
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    ASSERT_EQ(metrics->status, 200);
    for (const auto& [series, value] : expected) {
      EXPECT_THAT(FindMetric(metrics->body, series), ::testing::Optional(value)) << series;
    }
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(ObservabilityTest, ProbesAnswerAndCountersFollowLiveTraffic) {
  absl::StatusOr<HttpResponse> health = HttpGet(daemon_->health(), "/health", kStepTimeout);
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, R"({"status":"healthy","message":null})");

  absl::StatusOr<std::unique_ptr<BlockingClient>> subscriber = ConnectClient(*daemon_);
  absl::StatusOr<std::unique_ptr<BlockingClient>> publisher = ConnectClient(*daemon_);
  ASSERT_TRUE(subscriber.ok()) << subscriber.status();
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub =
      (*subscriber)->Subscribe("events", kCallTimeout);
  ASSERT_TRUE(sub.ok()) << sub.status();

  constexpr int kMessages = 5;
  for (int i = 1; i <= kMessages; ++i) {
    ASSERT_TRUE((*publisher)->Publish("events", absl::StrCat("t", i), kCallTimeout).ok());
  }
  for (int i = 1; i <= kMessages; ++i) {
    absl::StatusOr<Delivery> d = (*sub)->Next(kCallTimeout);
    ASSERT_TRUE(d.ok()) << d.status();
  }
  ASSERT_FALSE((*publisher)->Publish("nope", "{}", kCallTimeout).ok());  // rejected
  ASSERT_TRUE((*publisher)->Request("echo", "hi", kCallTimeout).ok());
  ASSERT_TRUE((*publisher)->Ping(kCallTimeout).ok());

  absl::StatusOr<HttpResponse> ready = HttpGet(daemon_->health(), "/ready", kStepTimeout);
  ASSERT_TRUE(ready.ok()) << ready.status();
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, R"({"ready":true,"unmet_conditions":[]})");

  // Everything below happened before the client saw the response that depends on it.
  ExpectMetrics({
      {"liminal_connections_current", 2},
      {"liminal_connections_total", 2},
      {"liminal_frames_in_total{type=\"Connect\"}", 2},
      {"liminal_frames_out_total{type=\"ConnectAck\"}", 2},
      {"liminal_frames_in_total{type=\"Subscribe\"}", 1},
      {"liminal_frames_out_total{type=\"SubscribeAck\"}", 1},
      {"liminal_frames_in_total{type=\"Publish\"}", kMessages + 1},
      {"liminal_frames_out_total{type=\"PublishAck\"}", kMessages},
      {"liminal_frames_out_total{type=\"PublishError\"}", 1},
      {"liminal_frames_out_total{type=\"Deliver\"}", kMessages},
      {"liminal_frames_in_total{type=\"ConversationOpen\"}", 1},
      {"liminal_frames_in_total{type=\"ConversationMessage\"}", 1},
      {"liminal_frames_out_total{type=\"ConversationMessage\"}", 1},
      {"liminal_frames_in_total{type=\"Ping\"}", 1},
      {"liminal_frames_out_total{type=\"Pong\"}", 1},
      {"liminal_publishes_total{outcome=\"acked\"}", kMessages},
      {"liminal_publishes_total{outcome=\"rejected\"}", 1},
      {"liminal_deliveries_total", kMessages},
      {"liminal_subscriptions_current", 1},
      {"liminal_conversations_opened_total", 1},
      {"liminal_conversation_replies_total{outcome=\"replied\"}", 1},
      {"liminal_drain_state", 0},
  });
  // The subscriber's acks are batched; they arrive shortly after the deliveries were taken.
  absl::StatusOr<double> accepts = AwaitMetric(
      daemon_->health(), "liminal_acks_total{kind=\"accept\"}", [](double v) { return v >= 1; });
  EXPECT_TRUE(accepts.ok()) << accepts.status();

  // Closing the clients releases their connections and the subscription.
  (*sub).reset();
  (*subscriber)->Close();
  (*publisher)->Close();
  absl::StatusOr<double> open = AwaitMetric(daemon_->health(), "liminal_connections_current",
                                            [](double v) { return v == 0; });
  EXPECT_TRUE(open.ok()) << open.status();
  ExpectMetrics({
      {"liminal_connections_total", 2},
      {"liminal_subscriptions_current", 0},
      {"liminal_conversations_current", 0},
      {"liminal_frames_in_total{type=\"Disconnect\"}", 2},
  });
}

}  // namespace
}  // namespace liminal::e2e
