// ConstantTimeEquals: the same answers as ==, for every kind of difference (the timing
// property is structural: no early exit; see constant_time.cc).
#include "core/auth/constant_time.h"

#include <string>

#include "gtest/gtest.h"

namespace liminal::auth {
namespace {

TEST(ConstantTimeEqualsTest, AgreesWithEquality) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("s3cret", "s3cret"));
  EXPECT_FALSE(ConstantTimeEquals("s3cret", "x3cret"));  // first byte
  EXPECT_FALSE(ConstantTimeEquals("s3cret", "s3crex"));  // last byte
  EXPECT_FALSE(ConstantTimeEquals("s3cret", "s3cre"));   // a prefix
  EXPECT_FALSE(ConstantTimeEquals("s3cre", "s3cret"));   // longer
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_FALSE(ConstantTimeEquals("a", ""));
}

TEST(ConstantTimeEqualsTest, ZeroBytesAreNotPadding) {
  // A shorter token is compared as if padded with zeros; the length check still tells them
  // apart.
  EXPECT_FALSE(ConstantTimeEquals(std::string("ab\0", 3), "ab"));
  EXPECT_FALSE(ConstantTimeEquals("ab", std::string("ab\0", 3)));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
}

TEST(ConstantTimeEqualsTest, EveryByteValueCounts) {
  for (int byte = 0; byte < 256; ++byte) {
    std::string a(16, 'k');
    std::string b = a;
    b[7] = static_cast<char>(byte);
    EXPECT_EQ(ConstantTimeEquals(a, b), byte == 'k') << byte;
  }
}

}  // namespace
}  // namespace liminal::auth
