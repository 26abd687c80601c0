// Configuration errors that only the protocol services detect (routing predicates, channel
// schemas), through the real liminald: exit code 1, the key named, nothing announced —
// both on a normal start and with --check. The loader's own errors are covered by
// tests/e2e/daemon_config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/e2e/support/daemon_process.h"

namespace liminal::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// Runs liminald (and then liminald --check) on `config`; both must fail with exit code 1
// and every text of `expected` on stderr.
void ExpectConfigError(const std::string& config, const std::map<std::string, std::string>& files,
                       const std::vector<std::string>& expected) {
  for (bool check : {false, true}) {
    SCOPED_TRACE(check ? "--check" : "start");
    DaemonProcessOptions options;
    options.config_toml = config;
    options.files = files;
    if (check) options.args = {"--check"};
    absl::StatusOr<DaemonProcess::Result> r = DaemonProcess::Run(options, 10s);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->exit_code, 1) << r->stderr_text;
    for (const std::string& text : expected) EXPECT_THAT(r->stderr_text, HasSubstr(text));
    EXPECT_THAT(r->stdout_text, Not(HasSubstr("listening")));
  }
}

constexpr char kChannels[] = R"(
[[channels]]
name = "orders"

[[channels]]
name = "audit"
)";

TEST(ServicesConfigErrorTest, BadRoutingPredicateNamesTheRule) {
  ExpectConfigError(std::string(kChannels) + R"(
[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
predicate = "total > 3"

[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
predicate = "total >>= 3"
)",
                    {}, {"routing_rules[1].predicate"});
  ExpectConfigError(std::string(kChannels) + R"(
[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
predicate = "total >>= 3"
)",
                    {}, {"routing_rules[0].predicate"});
}

TEST(ServicesConfigErrorTest, ChannelSchemaThatIsNotJsonNamesTheChannel) {
  ExpectConfigError(R"(
[[channels]]
name = "events"

[[channels]]
name = "orders"
schema_ref = "orders.json"
)",
                    {{"orders.json", R"({"type": "object",)"}},
                    {"channels[1].schema_ref", "orders.json", "not valid JSON"});
}

TEST(ServicesConfigErrorTest, ChannelSchemaThatIsNotAUsableSchemaNamesTheChannel) {
  // Valid JSON, but not usable: remote $refs are never fetched.
  ExpectConfigError(R"(
[[channels]]
name = "orders"
schema_ref = "orders.json"
)",
                    {{"orders.json", R"({"$ref": "https://example.com/schemas/orders.json"})"}},
                    {"channels[0].schema_ref", "channel 'orders'"});
}

}  // namespace
}  // namespace liminal::e2e
