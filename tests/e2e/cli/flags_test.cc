// The command-line value parsers of liminal_cli: --server addresses and durations.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/duration_flag.h"
#include "tools/server_address.h"

namespace liminal::tools {
namespace {

using ::testing::HasSubstr;

TEST(ServerAddressTest, ParsesHostAndPort) {
  absl::StatusOr<config::HostPort> address = ParseServerAddress("10.0.0.5:7500");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(address->host, "10.0.0.5");
  EXPECT_EQ(address->port, 7500);
}

TEST(ServerAddressTest, BareHostGetsTheDefaultPort) {
  EXPECT_EQ(ParseServerAddress("localhost")->ToString(), "localhost:7400");
  EXPECT_EQ(ParseServerAddress("[::1]")->ToString(), "[::1]:7400");
}

TEST(ServerAddressTest, ParsesBracketedIpv6WithPort) {
  absl::StatusOr<config::HostPort> address = ParseServerAddress("[::1]:9000");
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_EQ(address->host, "::1");
  EXPECT_EQ(address->port, 9000);
}

TEST(ServerAddressTest, RefusesMalformedAddresses) {
  for (const char* text : {"", ":7400", "host:", "host:x", "host:70000", "::1:7400", "[::1"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<config::HostPort> address = ParseServerAddress(text);
    ASSERT_FALSE(address.ok());
    EXPECT_THAT(address.status().message(), HasSubstr("invalid server address"));
  }
}

TEST(ServerAddressTest, RefusesPortZero) {
  absl::StatusOr<config::HostPort> address = ParseServerAddress("127.0.0.1:0");
  ASSERT_FALSE(address.ok());
  EXPECT_THAT(address.status().message(), HasSubstr("port 0"));
}

TEST(DurationFlagTest, ParsesUnitsAndBareSeconds) {
  EXPECT_EQ(*ParseDurationFlag("5s"), absl::Seconds(5));
  EXPECT_EQ(*ParseDurationFlag("250ms"), absl::Milliseconds(250));
  EXPECT_EQ(*ParseDurationFlag("1m30s"), absl::Seconds(90));
  EXPECT_EQ(*ParseDurationFlag("2"), absl::Seconds(2));
  EXPECT_EQ(*ParseDurationFlag("0.5"), absl::Milliseconds(500));
  EXPECT_EQ(*ParseDurationFlag("0"), absl::ZeroDuration());
}

TEST(DurationFlagTest, RefusesNonsenseNegativeAndInfinite) {
  for (const char* text : {"", "abc", "5 s", "-1s", "-2", "inf", "1e3"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseDurationFlag(text).ok());
  }
}

TEST(DurationFlagTest, ValidatorReportsTheProblem) {
  std::string good = "3s";
  std::string bad = "soon";
  EXPECT_EQ(DurationFlag()(good), "");
  EXPECT_THAT(DurationFlag()(bad), HasSubstr("'soon' is not a duration"));
}

}  // namespace
}  // namespace liminal::tools
