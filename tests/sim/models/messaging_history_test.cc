// MessagingHistory against hand-made histories: each guarantee holds for a correct history
// and is reported, in words, for one that breaks it.
#include "sim/invariants/messaging_history.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liminal::sim {
namespace {

using ::testing::HasSubstr;
using AckKind = MessagingHistory::AckKind;

class MessagingHistoryTest : public ::testing::Test {
 protected:
  MessagingHistoryTest()
      : history_([this] { return now_; },
                 {{.source = "orders", .target = "audit", .min_prio = 5}}) {}

  // Client `client` subscribes to `channel` on `stream` and gets subscription `id`.
  void Subscribe(uint32_t client, uint32_t stream, const std::string& channel, bool acks = false,
                 uint32_t max_in_flight = 16, uint64_t id = 1) {
    history_.SubscribeSent(client, stream, channel, acks, max_in_flight);
    history_.SubscribeAcked(client, stream, id);
  }
  // Client `client` publishes `name` on `stream` and is acknowledged as `id`.
  void Publish(uint32_t client, uint32_t stream, const std::string& channel,
               const std::string& name, uint64_t id, bool delivered = true, int prio = 0,
               std::optional<std::string> key = std::nullopt) {
    history_.PublishSent(client, stream, channel, name, prio, key, true);
    now_ += absl::Microseconds(100);
    history_.PublishAcked(client, stream, id, delivered);
  }
  void Deliver(uint32_t client, uint32_t stream, uint64_t seq, const std::string& name,
               int prio = 0) {
    history_.Delivered(client, stream, seq, MessagingHistory::MessagePayload(name, prio, 3));
  }
  std::string Invariant() const {
    return history_.violation().has_value() ? history_.violation()->invariant : "none";
  }
  std::string Detail() const {
    return history_.violation().has_value() ? history_.violation()->detail : "";
  }

  absl::Duration now_ = absl::Milliseconds(1);
  MessagingHistory history_;
};

TEST_F(MessagingHistoryTest, PayloadsNameTheirMessages) {
  EXPECT_EQ(MessagingHistory::NameIn(MessagingHistory::MessagePayload("c1.2", 7, 4)), "c1.2");
  EXPECT_EQ(MessagingHistory::NameIn(MessagingHistory::RequestPayload("c1.r2")), "c1.r2");
  EXPECT_EQ(MessagingHistory::NameIn("job-3"), std::nullopt);
  EXPECT_EQ(MessagingHistory::NameIn(""), std::nullopt);
}

TEST_F(MessagingHistoryTest, ACorrectHistoryPasses) {
  Subscribe(0, 3, "orders", /*acks=*/true, /*max_in_flight=*/2);
  Publish(1, 3, "orders", "c1.1", 1);
  Publish(1, 5, "orders", "c1.2", 2);
  Deliver(0, 3, 1, "c1.1");
  Deliver(0, 3, 2, "c1.2");
  history_.AckSent(0, 3, AckKind::kDefer, 1);
  Deliver(0, 3, 3, "c1.1");  // redelivered after the Defer
  history_.AckSent(0, 3, AckKind::kAccept, 3);
  EXPECT_EQ(Invariant(), "none") << Detail();
  EXPECT_EQ(history_.CheckLiveness({true, true}), std::nullopt);
  EXPECT_EQ(history_.CheckEnd(), std::nullopt);
}

TEST_F(MessagingHistoryTest, AMessageNobodyPublishedIsAPhantom) {
  Subscribe(0, 3, "orders");
  Deliver(0, 3, 1, "c9.9");
  EXPECT_EQ(Invariant(), "no-phantom-messages");
  EXPECT_THAT(Detail(), HasSubstr("nobody published"));
}

TEST_F(MessagingHistoryTest, ASecondDeliveryWithoutDeferIsReported) {
  Subscribe(0, 3, "orders");
  Publish(1, 3, "orders", "c1.1", 1);
  Deliver(0, 3, 1, "c1.1");
  Deliver(0, 3, 2, "c1.1");
  EXPECT_EQ(Invariant(), "no-phantom-messages");
  EXPECT_THAT(Detail(), HasSubstr("a second time"));
}

TEST_F(MessagingHistoryTest, DeliverySeqMustBeContiguous) {
  Subscribe(0, 3, "orders");
  Publish(1, 3, "orders", "c1.1", 1);
  Deliver(0, 3, 2, "c1.1");
  EXPECT_EQ(Invariant(), "delivery-seq");
  EXPECT_THAT(Detail(), HasSubstr("delivery_seq 2 where 1 was next"));
}

TEST_F(MessagingHistoryTest, CreditCountsWhatTheClientHasNotAcknowledged) {
  Subscribe(0, 3, "orders", /*acks=*/true, /*max_in_flight=*/1);
  Publish(1, 3, "orders", "c1.1", 1);
  Publish(1, 5, "orders", "c1.2", 2);
  Publish(1, 7, "orders", "c1.3", 3);
  Deliver(0, 3, 1, "c1.1");
  history_.AckSent(0, 3, AckKind::kAccept, 1);
  Deliver(0, 3, 2, "c1.2");  // fine: 1 was accepted first
  EXPECT_EQ(Invariant(), "none") << Detail();
  Deliver(0, 3, 3, "c1.3");  // 2 is still unacknowledged
  EXPECT_EQ(Invariant(), "credit");
  EXPECT_THAT(Detail(), HasSubstr("2 in flight exceeds max_in_flight 1"));
}

TEST_F(MessagingHistoryTest, ADuplicateMustGetTheOriginalIdAndNoDelivery) {
  Subscribe(0, 3, "orders");
  Publish(1, 3, "orders", "c1.1", 1, true, 0, "k1.0");
  Publish(1, 5, "orders", "c1.2", 1, false, 0, "k1.0");  // a proper duplicate answer
  EXPECT_EQ(Invariant(), "none") << Detail();
  Deliver(0, 3, 1, "c1.1");
  Deliver(0, 3, 2, "c1.2");
  EXPECT_EQ(Invariant(), "duplicates");
  EXPECT_THAT(Detail(), HasSubstr("the duplicate was delivered again"));
}

TEST_F(MessagingHistoryTest, ADuplicateAcknowledgedUnderANewIdIsReported) {
  Publish(1, 3, "orders", "c1.1", 1, false, 0, "k1.0");
  Publish(1, 5, "orders", "c1.2", 2, false, 0, "k1.0");
  EXPECT_EQ(Invariant(), "duplicates");
  EXPECT_THAT(Detail(), HasSubstr("not the original id"));
}

TEST_F(MessagingHistoryTest, RoutingCopiesOnlyMatchingMessages) {
  Subscribe(0, 3, "audit");
  Publish(1, 3, "orders", "c1.1", 1, false, /*prio=*/7);
  Deliver(0, 3, 1, "c1.1", 7);
  EXPECT_EQ(Invariant(), "none") << Detail();
  Publish(1, 5, "orders", "c1.2", 2, false, /*prio=*/2);
  Deliver(0, 3, 2, "c1.2", 2);
  EXPECT_EQ(Invariant(), "routing");
}

TEST_F(MessagingHistoryTest, LivenessNamesTheMissingMessage) {
  Subscribe(3, 3, "orders");
  now_ = absl::Microseconds(4100);
  Publish(1, 3, "orders", "c1.17", 17);
  const std::optional<Violation> v = history_.CheckLiveness({true, true, true, true});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "liveness");
  EXPECT_THAT(v->detail, HasSubstr("client 3's subscription 1 to 'orders'"));
  EXPECT_THAT(v->detail, HasSubstr("never received message 17 of 'orders'"));
  EXPECT_THAT(v->detail, HasSubstr("acknowledged at 4.2ms"));
  // Not once the subscriber's connection is gone.
  EXPECT_EQ(history_.CheckLiveness({true, true, true, false}), std::nullopt);
}

TEST_F(MessagingHistoryTest, ARoutedCopyIsOwedToo) {
  Subscribe(0, 3, "audit");
  Publish(1, 3, "orders", "c1.1", 1, false, /*prio=*/9);
  const std::optional<Violation> v = history_.CheckLiveness({true, true});
  ASSERT_TRUE(v.has_value());
  EXPECT_THAT(v->detail, HasSubstr("routed from 'orders'"));
}

TEST_F(MessagingHistoryTest, AnEndedSubscriptionGetsAPrefixInOrder) {
  Subscribe(0, 3, "orders");
  Publish(1, 3, "orders", "c1.1", 1);
  Publish(1, 5, "orders", "c1.2", 2);
  Publish(1, 7, "orders", "c1.3", 3);
  Deliver(0, 3, 1, "c1.1");
  Deliver(0, 3, 2, "c1.3");  // c1.2 skipped
  const std::optional<Violation> v = history_.CheckEnd();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "delivery");
  EXPECT_THAT(v->detail, HasSubstr("a gap in its deliveries"));
}

TEST_F(MessagingHistoryTest, AShedSubscriptionGetsSlowConsumerAndNothingAfter) {
  Subscribe(0, 3, "orders");
  Subscribe(0, 5, "events", false, 16, 2);
  Publish(1, 3, "orders", "c1.1", 1);
  history_.SubscribeFailed(0, 3, 0x0102);  // E_SLOW_CONSUMER: fine
  EXPECT_EQ(Invariant(), "none") << Detail();
  history_.SubscribeFailed(0, 5, 0x0109);  // E_LIMIT after the ack: not how one ends
  EXPECT_EQ(Invariant(), "delivery");
  EXPECT_THAT(Detail(), HasSubstr("E_LIMIT"));
}

TEST_F(MessagingHistoryTest, NothingIsDeliveredAfterTheSubscribeError) {
  Subscribe(0, 3, "orders");
  Publish(1, 3, "orders", "c1.1", 1);
  history_.SubscribeFailed(0, 3, 0x0102);
  Deliver(0, 3, 1, "c1.1");
  EXPECT_EQ(Invariant(), "delivery");
  EXPECT_THAT(Detail(), HasSubstr("after its SubscribeError"));
}

TEST_F(MessagingHistoryTest, TheDeliveredBitNeedsALiveSubscription) {
  Subscribe(0, 3, "orders");
  history_.ConnectionReleased(0);
  Publish(1, 3, "orders", "c1.1", 1, /*delivered=*/true);
  const std::optional<Violation> v = history_.CheckEnd();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "delivered-flag");
  EXPECT_THAT(v->detail, HasSubstr("no subscription to 'orders' was live"));
}

TEST_F(MessagingHistoryTest, TheDeliveredBitIsNeverClearForADeliveredMessage) {
  Subscribe(0, 3, "orders");
  Publish(1, 3, "orders", "c1.1", 1, /*delivered=*/false);
  Deliver(0, 3, 1, "c1.1");
  const std::optional<Violation> v = history_.CheckEnd();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "delivered-flag");
}

TEST_F(MessagingHistoryTest, ARequestGetsItsOwnReplyOnce) {
  history_.RequestSent(0, 3, 9, "slow", "c0.r1", true);
  history_.RequestSent(0, 5, 9, "slow", "c0.r2", true);
  history_.ReplyReceived(0, 3, MessagingHistory::RequestPayload("c0.r1"));
  EXPECT_EQ(Invariant(), "none") << Detail();
  EXPECT_EQ(history_.CheckLiveness({true}).value_or(Violation{}).invariant, "liveness");
  history_.ReplyReceived(0, 5, MessagingHistory::RequestPayload("c0.r1"));
  EXPECT_EQ(Invariant(), "conversations");
  EXPECT_THAT(Detail(), HasSubstr("got the reply to request c0.r1"));
}

// A wrong-id worker answers push N under id N + 1: when N + 1 is its other pending push, that
// request's one (correct, as far as the server can know) outcome is the wrong-id reply; a
// second outcome is still an error.
TEST_F(MessagingHistoryTest, AWrongIdWorkersReplyIsTheRequestsOneOutcome) {
  history_.RequestSent(0, 3, 9, "worker.emails", "c0.r1", true);
  history_.RequestSent(0, 5, 9, "worker.emails", "c0.r2", true);
  history_.ReplyReceived(0, 5, MessagingHistory::kWrongIdReply);
  EXPECT_EQ(Invariant(), "none") << Detail();
  history_.ReplyReceived(0, 5, MessagingHistory::RequestPayload("c0.r2"));
  EXPECT_EQ(Invariant(), "conversations");
  EXPECT_THAT(Detail(), HasSubstr("second outcome"));
}

TEST_F(MessagingHistoryTest, ASecondOutcomeIsReported) {
  history_.RequestSent(0, 3, 9, "echo", "c0.r1", true);
  history_.ReplyReceived(0, 3, MessagingHistory::RequestPayload("c0.r1"));
  history_.ConversationErrorReceived(0, 3, 0x0105);
  EXPECT_EQ(Invariant(), "conversations");
  EXPECT_THAT(Detail(), HasSubstr("second outcome"));
}

TEST_F(MessagingHistoryTest, APushGoesOnlyToAWorkerOfItsQueue) {
  history_.RegisterSent(0, "jobs");
  history_.RegisterAnswered(0, true);
  history_.RegisterSent(0, "emails");
  history_.RegisterAnswered(0, true);
  history_.RequestSent(1, 3, 27, "worker.emails", "c1.r1", true);
  history_.PushReceived(0, MessagingHistory::RequestPayload("c1.r1"));
  EXPECT_EQ(Invariant(), "none") << Detail();
  history_.RequestSent(1, 5, 19, "worker.jobs", "c1.r2", true);
  history_.PushReceived(0, MessagingHistory::RequestPayload("c1.r2"));
  EXPECT_EQ(Invariant(), "worker-dispatch");
  EXPECT_THAT(Detail(), HasSubstr("had been replaced by one for 'emails'"));
}

TEST_F(MessagingHistoryTest, APushForAQueueNeverRegisteredIsReported) {
  history_.RequestSent(1, 5, 19, "worker.jobs", "c1.r1", true);
  history_.PushReceived(0, MessagingHistory::RequestPayload("c1.r1"));
  EXPECT_EQ(Invariant(), "worker-dispatch");
  EXPECT_THAT(Detail(), HasSubstr("never registered for task queue 'jobs'"));
}

}  // namespace
}  // namespace liminal::sim
