// Authenticate: auth off without credentials; a shared token is unrestricted; a user's token
// selects that user, wherever it is in the list; anything else is refused.
#include "core/auth/authenticate.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace liminal::auth {
namespace {

UserCredential User(std::string name, std::string token) {
  absl::StatusOr<Permissions> permissions = Permissions::Parse({.publish = {name}});
  EXPECT_TRUE(permissions.ok());
  return {.name = std::move(name), .token = std::move(token), .permissions = *permissions};
}

TEST(AuthenticateTest, WithoutCredentialsEveryTokenIsAcceptedUnrestricted) {
  const Authentication a = Authenticate({}, {}, "whatever");
  EXPECT_TRUE(a.accepted);
  EXPECT_EQ(a.user, nullptr);
  EXPECT_TRUE(Authenticate({}, {}, "").accepted);
}

TEST(AuthenticateTest, SharedTokensAreUnrestricted) {
  const std::vector<std::string> shared = {"s1", "s2"};
  const std::vector<UserCredential> users = {User("alice", "a-token")};
  const Authentication a = Authenticate(shared, users, "s2");
  EXPECT_TRUE(a.accepted);
  EXPECT_EQ(a.user, nullptr);
}

TEST(AuthenticateTest, AUsersTokenSelectsThatUser) {
  const std::vector<UserCredential> users = {User("alice", "a-token"), User("bob", "b-token"),
                                             User("carol", "c-token")};
  for (const UserCredential& user : users) {
    const Authentication a = Authenticate({"shared"}, users, user.token);
    EXPECT_TRUE(a.accepted) << user.name;
    EXPECT_EQ(a.user, &user) << user.name;
  }
  // Users only, no shared token.
  const Authentication last = Authenticate({}, users, "c-token");
  ASSERT_NE(last.user, nullptr);
  EXPECT_EQ(last.user->name, "carol");
}

TEST(AuthenticateTest, AnythingElseIsRefused) {
  const std::vector<UserCredential> users = {User("alice", "a-token")};
  for (const std::string token : {"", "a-toke", "a-token2", "A-TOKEN", "shared "}) {
    const Authentication a = Authenticate({"shared"}, users, token);
    EXPECT_FALSE(a.accepted) << token;
    EXPECT_EQ(a.user, nullptr) << token;
  }
}

}  // namespace
}  // namespace liminal::auth
