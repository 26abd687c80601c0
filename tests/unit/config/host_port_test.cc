#include "core/config/host_port.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace liminal::config {
namespace {

using ::testing::HasSubstr;

TEST(HostPortTest, ParsesIpv4AndName) {
  EXPECT_EQ(*ParseHostPort("127.0.0.1:7400"), (HostPort{"127.0.0.1", 7400}));
  EXPECT_EQ(*ParseHostPort("localhost:0"), (HostPort{"localhost", 0}));
  EXPECT_EQ(*ParseHostPort("0.0.0.0:65535"), (HostPort{"0.0.0.0", 65535}));
}

TEST(HostPortTest, ParsesBracketedIpv6) {
  EXPECT_EQ(*ParseHostPort("[::1]:7401"), (HostPort{"::1", 7401}));
  EXPECT_EQ(ParseHostPort("[::1]:7401")->ToString(), "[::1]:7401");
}

TEST(HostPortTest, RoundTripsThroughToString) {
  for (const char* text : {"127.0.0.1:7400", "[fe80::1]:1", "example.org:80"}) {
    EXPECT_EQ(ParseHostPort(text)->ToString(), text);
  }
}

TEST(HostPortTest, RejectsMalformedAddresses) {
  struct Case {
    const char* text;
    const char* why;
  };
  for (const Case& c : {Case{"127.0.0.1", "missing ':port'"}, Case{":7400", "empty host"},
                        Case{"127.0.0.1:", "port must be a number"},
                        Case{"127.0.0.1:65536", "port must be a number"},
                        Case{"127.0.0.1:-1", "port must be a number"},
                        Case{"127.0.0.1:74x", "port must be a number"},
                        Case{"::1:7400", "IPv6 hosts must be written in brackets"},
                        Case{"[::1:7400", "unterminated '['"}, Case{"[::1]7400", "missing ':port'"},
                        Case{"[]:7400", "empty host"}}) {
    absl::StatusOr<HostPort> parsed = ParseHostPort(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.why)) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.text));
  }
}

}  // namespace
}  // namespace liminal::config
