// Permissions: per-operation pattern lists, least privilege for named users, unrestricted for
// shared tokens.
#include "core/auth/permissions.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liminal::auth {
namespace {

using ::testing::HasSubstr;

TEST(PermissionsTest, EachOperationUsesItsOwnPatterns) {
  absl::StatusOr<Permissions> p = Permissions::Parse({.publish = {"orders.*", "audit"},
                                                      .subscribe = {"audit"},
                                                      .request = {"worker.emails"},
                                                      .respond = {"worker.sms"}});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->unrestricted());
  EXPECT_TRUE(p->Allows(Operation::kPublish, "orders.eu"));
  EXPECT_TRUE(p->Allows(Operation::kPublish, "audit"));
  EXPECT_FALSE(p->Allows(Operation::kPublish, "orders"));
  EXPECT_TRUE(p->Allows(Operation::kSubscribe, "audit"));
  EXPECT_FALSE(p->Allows(Operation::kSubscribe, "orders.eu"));
  EXPECT_TRUE(p->Allows(Operation::kRequest, "worker.emails"));
  EXPECT_FALSE(p->Allows(Operation::kRequest, "worker.sms"));
  EXPECT_TRUE(p->Allows(Operation::kRespond, "worker.sms"));
  EXPECT_FALSE(p->Allows(Operation::kRespond, "worker.emails"));
}

TEST(PermissionsTest, AnOperationWithoutPatternsIsNotPermitted) {
  absl::StatusOr<Permissions> p = Permissions::Parse({.publish = {">"}});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->Allows(Operation::kPublish, "anything"));
  for (Operation op : {Operation::kSubscribe, Operation::kRequest, Operation::kRespond}) {
    EXPECT_FALSE(p->Allows(op, "anything")) << OperationName(op);
  }
  const Permissions nothing;
  for (Operation op : kAllOperations) EXPECT_FALSE(nothing.Allows(op, "x")) << OperationName(op);
}

TEST(PermissionsTest, UnrestrictedPermitsEverything) {
  const Permissions all = Permissions::Unrestricted();
  EXPECT_TRUE(all.unrestricted());
  for (Operation op : kAllOperations) {
    EXPECT_TRUE(all.Allows(op, "a.b.c")) << OperationName(op);
    EXPECT_TRUE(all.Allows(op, "")) << OperationName(op);
  }
}

TEST(PermissionsTest, ABadPatternNamesItsOperationAndIndex) {
  absl::StatusOr<Permissions> p =
      Permissions::Parse({.publish = {"ok"}, .subscribe = {"fine", "a..b"}});
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("subscribe[1]"));
  EXPECT_THAT(p.status().message(), HasSubstr("empty token"));
}

TEST(PermissionsTest, OperationNamesAreTheConfigKeys) {
  EXPECT_EQ(OperationName(Operation::kPublish), "publish");
  EXPECT_EQ(OperationName(Operation::kSubscribe), "subscribe");
  EXPECT_EQ(OperationName(Operation::kRequest), "request");
  EXPECT_EQ(OperationName(Operation::kRespond), "respond");
}

}  // namespace
}  // namespace liminal::auth
