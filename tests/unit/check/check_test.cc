#include "core/check/check.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace liminal::check {
namespace {

TEST(CheckTest, APassingCheckEvaluatesItsConditionOnceAndNotItsMessage) {
  int evaluated = 0;
  int messages = 0;
  auto message = [&messages] {
    ++messages;
    return std::string("never built");
  };
  LIMINAL_CHECK(++evaluated == 1, message());
  EXPECT_EQ(evaluated, 1);
  EXPECT_EQ(messages, 0);
}

TEST(CheckTest, AFailedCheckReportsWhereAndWhyThenAborts) {
  EXPECT_DEATH(LIMINAL_CHECK(1 + 1 == 3, "arithmetic holds"),
               "check_test.cc:[0-9]+: check failed: 1 \\+ 1 == 3 \\(arithmetic holds\\)");
}

void ReportingHandler(const CheckFailure& failure) {
  std::fprintf(stderr, "handler saw '%.*s' at line %d\n", static_cast<int>(failure.message.size()),
               failure.message.data(), failure.line);
}

TEST(CheckTest, TheInstalledHandlerRunsFirstAndAReturningHandlerStillAborts) {
  EXPECT_DEATH(
      {
        SetCheckFailureHandler(&ReportingHandler);
        LIMINAL_CHECK(false, std::string("built on failure"));
      },
      "handler saw 'built on failure' at line [0-9]+\n.*check failed: false");
}

TEST(CheckTest, SetReturnsThePreviousHandler) {
  const CheckFailureHandler before = SetCheckFailureHandler(&ReportingHandler);
  EXPECT_EQ(SetCheckFailureHandler(before), &ReportingHandler);
}

}  // namespace
}  // namespace liminal::check
