#include "client/ack_tracker.h"

#include <optional>

#include "gtest/gtest.h"

namespace liminal::client {
namespace {

TEST(AckTrackerTest, BatchIsHalfTheWindowAndAtLeastOne) {
  EXPECT_EQ(AckTracker(64).batch_size(), 32u);
  EXPECT_EQ(AckTracker(5).batch_size(), 2u);
  EXPECT_EQ(AckTracker(2).batch_size(), 1u);
  EXPECT_EQ(AckTracker(1).batch_size(), 1u);
}

TEST(AckTrackerTest, AcceptsOnceHalfTheWindowIsConsumed) {
  AckTracker acks(4);  // batch 2
  EXPECT_EQ(acks.Consume(1), std::nullopt);
  EXPECT_TRUE(acks.has_pending());
  EXPECT_EQ(acks.Consume(2), 2u);
  EXPECT_FALSE(acks.has_pending());
  EXPECT_EQ(acks.Consume(3), std::nullopt);
  EXPECT_EQ(acks.Consume(4), 4u);
  EXPECT_EQ(acks.acked(), 4u);
}

TEST(AckTrackerTest, WindowOfOneAcceptsEveryDelivery) {
  AckTracker acks(1);
  EXPECT_EQ(acks.Consume(1), 1u);
  EXPECT_EQ(acks.Consume(2), 2u);
}

TEST(AckTrackerTest, ConsumeIsCumulativeAndIgnoresOlderSeqs) {
  AckTracker acks(10);  // batch 5
  EXPECT_EQ(acks.Consume(3), std::nullopt);
  EXPECT_EQ(acks.Consume(2), std::nullopt);  // older: no change
  EXPECT_EQ(acks.Consume(7), 7u);            // a jump covers everything before it
  EXPECT_EQ(acks.Consume(7), std::nullopt);
  EXPECT_EQ(acks.Consume(5), std::nullopt);
  EXPECT_FALSE(acks.has_pending());
}

TEST(AckTrackerTest, FlushAcceptsTheRemainderOnce) {
  AckTracker acks(8);
  EXPECT_EQ(acks.Flush(), std::nullopt);
  EXPECT_EQ(acks.Consume(1), std::nullopt);
  EXPECT_EQ(acks.Consume(2), std::nullopt);
  EXPECT_EQ(acks.Flush(), 2u);
  EXPECT_EQ(acks.Flush(), std::nullopt);
  // The batch counts from the last Accept, not from zero.
  EXPECT_EQ(acks.Consume(5), std::nullopt);
  EXPECT_EQ(acks.Consume(6), 6u);
}

}  // namespace
}  // namespace liminal::client
