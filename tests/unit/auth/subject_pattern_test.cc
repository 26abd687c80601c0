// SubjectPattern: NATS-style wildcards over dot-separated subjects, and the parse errors an
// operator sees for a bad pattern.
#include "core/auth/subject_pattern.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liminal::auth {
namespace {

using ::testing::HasSubstr;

bool Match(const std::string& pattern, const std::string& subject) {
  absl::StatusOr<SubjectPattern> parsed = SubjectPattern::Parse(pattern);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() && parsed->Matches(subject);
}

std::string ParseError(const std::string& pattern) {
  absl::StatusOr<SubjectPattern> parsed = SubjectPattern::Parse(pattern);
  EXPECT_FALSE(parsed.ok()) << "'" << pattern << "' parsed";
  return parsed.ok() ? "" : std::string(parsed.status().message());
}

TEST(SubjectPatternTest, LiteralsMatchThemselvesOnly) {
  EXPECT_TRUE(Match("orders", "orders"));
  EXPECT_FALSE(Match("orders", "order"));
  EXPECT_FALSE(Match("orders", "orders2"));
  EXPECT_FALSE(Match("orders", "orders.eu"));
  EXPECT_FALSE(Match("orders", ""));
  EXPECT_TRUE(Match("orders.eu", "orders.eu"));
  EXPECT_FALSE(Match("orders.eu", "orders"));
  EXPECT_FALSE(Match("orders.eu", "orders.us"));
  // Channel names need no dots: any bytes but '.' form one token.
  EXPECT_TRUE(Match("big-orders_v2", "big-orders_v2"));
}

TEST(SubjectPatternTest, StarMatchesExactlyOneNonEmptyToken) {
  EXPECT_TRUE(Match("orders.*", "orders.eu"));
  EXPECT_FALSE(Match("orders.*", "orders"));
  EXPECT_FALSE(Match("orders.*", "orders."));
  EXPECT_FALSE(Match("orders.*", "orders.eu.de"));
  EXPECT_TRUE(Match("*.created", "orders.created"));
  EXPECT_FALSE(Match("*.created", "created"));
  EXPECT_TRUE(Match("a.*.c", "a.b.c"));
  EXPECT_FALSE(Match("a.*.c", "a..c"));
  EXPECT_TRUE(Match("*", "orders"));
  EXPECT_FALSE(Match("*", "orders.eu"));
  EXPECT_FALSE(Match("*", ""));
}

TEST(SubjectPatternTest, GreaterThanMatchesOneOrMoreTrailingTokens) {
  EXPECT_TRUE(Match("orders.>", "orders.eu"));
  EXPECT_TRUE(Match("orders.>", "orders.eu.de.berlin"));
  EXPECT_FALSE(Match("orders.>", "orders"));
  EXPECT_FALSE(Match("orders.>", "orders."));
  EXPECT_FALSE(Match("orders.>", "orders.eu."));
  EXPECT_FALSE(Match("orders.>", "ordersx.eu"));
  EXPECT_TRUE(Match(">", "anything"));
  EXPECT_TRUE(Match(">", "any.thing.at.all"));
  EXPECT_FALSE(Match(">", ""));
  EXPECT_TRUE(Match("worker.*.>", "worker.emails.high"));
  EXPECT_FALSE(Match("worker.*.>", "worker.emails"));
}

TEST(SubjectPatternTest, BadPatternsAreRefusedWithTheReason) {
  EXPECT_THAT(ParseError(""), HasSubstr("must not be empty"));
  EXPECT_THAT(ParseError(" orders"), HasSubstr("whitespace"));
  EXPECT_THAT(ParseError("orders\t"), HasSubstr("whitespace"));
  EXPECT_THAT(ParseError("a..b"), HasSubstr("empty token"));
  EXPECT_THAT(ParseError(".a"), HasSubstr("empty token"));
  EXPECT_THAT(ParseError("a."), HasSubstr("empty token"));
  EXPECT_THAT(ParseError("orders*"), HasSubstr("whole token"));
  EXPECT_THAT(ParseError("orders.>x"), HasSubstr("whole token"));
  EXPECT_THAT(ParseError(">.orders"), HasSubstr("'>' may only be the last token"));
  EXPECT_THAT(ParseError("a.>.b"), HasSubstr("'>' may only be the last token"));
}

TEST(SubjectPatternTest, KeepsItsText) {
  absl::StatusOr<SubjectPattern> parsed = SubjectPattern::Parse("orders.*");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text(), "orders.*");
}

}  // namespace
}  // namespace liminal::auth
