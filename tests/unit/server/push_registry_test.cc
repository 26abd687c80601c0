#include "core/server/push_registry.h"

#include "gtest/gtest.h"

namespace liminal::server {
namespace {

TEST(PushRegistryTest, AllocatesMonotonicIdsAndResolvesOnlyFromTheOwner) {
  PushRegistry registry;
  auto a = registry.Register(7);
  auto b = registry.Register(8);
  EXPECT_EQ(a->correlation_id, 1u);
  EXPECT_EQ(b->correlation_id, 2u);
  EXPECT_EQ(registry.Resolve(8, a->correlation_id, "wrong owner"), nullptr);
  EXPECT_EQ(a->state, ReplySlotState::kPending);
  EXPECT_EQ(registry.Resolve(7, a->correlation_id, "ok"), a);
  EXPECT_EQ(a->state, ReplySlotState::kReplied);
  EXPECT_EQ(a->reply, "ok");
  EXPECT_EQ(registry.Resolve(7, a->correlation_id, "again"), nullptr);  // one-shot
  EXPECT_EQ(a->reply, "ok");
}

TEST(PushRegistryTest, CancelOwnedByCancelsOnlyThatOwnersPendingSlots) {
  PushRegistry registry;
  auto a1 = registry.Register(1);
  auto b = registry.Register(2);
  auto a2 = registry.Register(1);
  ASSERT_NE(registry.Resolve(1, a1->correlation_id, "done"), nullptr);
  EXPECT_EQ(registry.CancelOwnedBy(1), std::vector<std::shared_ptr<ReplySlot>>{a2});
  EXPECT_EQ(a1->state, ReplySlotState::kReplied);
  EXPECT_EQ(a2->state, ReplySlotState::kCancelled);
  EXPECT_EQ(b->state, ReplySlotState::kPending);
  EXPECT_TRUE(registry.CancelOwnedBy(1).empty());
  EXPECT_EQ(registry.Pending(), (std::vector<std::pair<uint64_t, runtime::Pid>>{{2, 2}}));
}

TEST(PushRegistryTest, FinishIsExactlyOnce) {
  PushRegistry registry;
  auto slot = registry.Register(1);
  EXPECT_EQ(registry.Finish(slot->correlation_id, ReplySlotState::kTimedOut), slot);
  EXPECT_EQ(registry.Finish(slot->correlation_id, ReplySlotState::kCancelled), nullptr);
  EXPECT_EQ(slot->state, ReplySlotState::kTimedOut);
  EXPECT_EQ(registry.pending_count(), 0u);
}

}  // namespace
}  // namespace liminal::server
