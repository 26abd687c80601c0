// The pure building blocks: DedupWindow, CreditWindow and ParseDeliverySeq.
#include <memory>

#include "core/server/services/pubsub/credit_window.h"
#include "core/server/services/pubsub/dedup_window.h"
#include "core/server/services/pubsub/delivery_seq.h"
#include "gtest/gtest.h"

namespace liminal::server::services {
namespace {

TEST(DedupWindowTest, RemembersForTheWindowFromTheFirstPublish) {
  DedupWindow dedup(absl::Seconds(10));
  const absl::Time t0 = absl::UnixEpoch();
  EXPECT_FALSE(dedup.Find("k", t0).has_value());
  dedup.Remember("k", 7, t0);
  dedup.Remember("other", 8, t0 + absl::Seconds(5));
  EXPECT_EQ(dedup.Find("k", t0 + absl::Seconds(9)), 7u);
  EXPECT_FALSE(dedup.Find("k", t0 + absl::Seconds(10)).has_value());
  EXPECT_EQ(dedup.Find("other", t0 + absl::Seconds(10)), 8u);
  EXPECT_EQ(dedup.size(), 1u);  // the expired key was dropped, not just hidden
  dedup.Remember("k", 9, t0 + absl::Seconds(11));
  EXPECT_EQ(dedup.Find("k", t0 + absl::Seconds(20)), 9u);
  EXPECT_FALSE(dedup.Find("other", t0 + absl::Seconds(20)).has_value());
  EXPECT_EQ(dedup.size(), 1u);
  EXPECT_FALSE(dedup.Find("k", t0 + absl::Seconds(21)).has_value());
  EXPECT_EQ(dedup.size(), 0u);
}

TEST(DedupWindowTest, EmptyKeyIsAKeyLikeAnyOther) {
  DedupWindow dedup(absl::Seconds(1));
  dedup.Remember("", 1, absl::UnixEpoch());
  EXPECT_EQ(dedup.Find("", absl::UnixEpoch()), 1u);
  EXPECT_FALSE(dedup.Find("x", absl::UnixEpoch()).has_value());
}

SharedEnvelope Envelope(std::string payload) {
  protocol::Envelope envelope;
  envelope.payload = std::move(payload);
  return std::make_shared<const protocol::Envelope>(std::move(envelope));
}

QueuedMessage Message(std::string payload, uint64_t message_id) {
  return {Envelope(std::move(payload)), message_id};
}

TEST(CreditWindowTest, CountsOutstandingAndAcceptsCumulatively) {
  CreditWindow window(3);
  EXPECT_EQ(window.Record(Message("a", 1)), 1u);
  EXPECT_EQ(window.Record(Message("b", 2)), 2u);
  EXPECT_EQ(window.Record(Message("c", 3)), 3u);
  EXPECT_FALSE(window.HasCredit());
  EXPECT_FALSE(window.Accept(0));
  EXPECT_FALSE(window.Accept(4));  // never delivered
  EXPECT_EQ(window.outstanding(), 3u);
  EXPECT_TRUE(window.Accept(2));
  EXPECT_EQ(window.outstanding(), 1u);
  EXPECT_EQ(window.available(), 2u);
  EXPECT_TRUE(window.Accept(1));  // already covered: valid, frees nothing
  EXPECT_EQ(window.outstanding(), 1u);
}

TEST(CreditWindowTest, TakeRemovesOneAndSeqsAreNeverReused) {
  CreditWindow window(2);
  window.Record(Message("a", 7));
  window.Record(Message("b", 8));
  QueuedMessage taken = window.Take(1);
  ASSERT_NE(taken.envelope, nullptr);
  EXPECT_EQ(taken.envelope->payload, "a");
  EXPECT_EQ(taken.message_id, 7u);
  EXPECT_EQ(window.Take(1).envelope, nullptr);
  EXPECT_EQ(window.Record(taken), 3u);
  EXPECT_TRUE(window.Accept(3));
  EXPECT_EQ(window.outstanding(), 0u);
  EXPECT_EQ(window.next_seq(), 4u);
}

TEST(CreditWindowTest, TakeFromTheMiddleKeepsTheRestInOrder) {
  CreditWindow window(4);
  uint64_t id = 1;
  for (const char* payload : {"a", "b", "c", "d"}) window.Record(Message(payload, id++));
  ASSERT_NE(window.Take(3).envelope, nullptr);
  ASSERT_NE(window.Take(2).envelope, nullptr);
  EXPECT_EQ(window.Take(5).envelope, nullptr);  // never delivered
  EXPECT_EQ(window.outstanding(), 2u);
  EXPECT_EQ(window.MinOutstandingMessageId(), 1u);
  EXPECT_TRUE(window.Accept(3));  // covers 1; 2 and 3 are gone already
  EXPECT_EQ(window.outstanding(), 1u);
  EXPECT_EQ(window.MinOutstandingMessageId(), 4u);
  QueuedMessage last = window.Take(4);
  ASSERT_NE(last.envelope, nullptr);
  EXPECT_EQ(last.envelope->payload, "d");
  EXPECT_EQ(window.outstanding(), 0u);
  EXPECT_EQ(window.MinOutstandingMessageId(), std::nullopt);
  EXPECT_TRUE(window.Accept(4));  // still a seq that was handed out
}

TEST(DeliverySeqTest, StrictDecimal) {
  EXPECT_EQ(ParseDeliverySeq("1"), 1u);
  EXPECT_EQ(ParseDeliverySeq("0042"), 42u);
  EXPECT_EQ(ParseDeliverySeq("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "0", "-1", "+1", " 1", "1 ", "1.0", "0x10", "abc",
                          "18446744073709551616", "000000000000000000001"}) {
    EXPECT_FALSE(ParseDeliverySeq(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace liminal::server::services
