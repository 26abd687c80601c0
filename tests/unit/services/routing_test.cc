// Routing rules (server-behaviour.md §3) end to end with fake predicates: matching messages
// are also published to the target under its own ids, one hop only, and the target's schema
// still applies. The JSON-backed predicate is exercised in unit/json.
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

class RoutingTest : public ServicesTest {};

std::shared_ptr<const MessagePredicate> Contains(std::string needle) {
  return std::make_shared<FunctionPredicate>(
      [needle](std::string_view payload) { return payload.find(needle) != std::string::npos; });
}

TEST_F(RoutingTest, MatchingMessagesArePublishedToTheTargetToo) {
  options_.routes.push_back(Route("orders", "audit", Contains("big")));
  Start();
  Client publisher = Connect();
  Client audit = Connect("10.0.0.2:4000");
  Subscribe(audit, 1, "audit");
  // The target's own message ids advance only for routed copies (and direct publishes).
  ExpectPublishAck(Publish(publisher, 1, "audit", "direct"), 1, 1, true);
  // DELIVERED reflects the source channel, which has no subscriber here.
  ExpectPublishAck(Publish(publisher, 1, "orders", "small"), 1, 1, false);
  ExpectPublishAck(Publish(publisher, 1, "orders", "big one"), 1, 2, false);
  ExpectPublishAck(Publish(publisher, 1, "orders", "big two"), 1, 3, false);
  ExpectPublishAck(Publish(publisher, 1, "audit", "direct again"), 1, 4, true);
  EXPECT_EQ(Payloads(audit.Take()),
            (std::vector<std::string>{"direct", "big one", "big two", "direct again"}));
}

TEST_F(RoutingTest, RuleWithoutPredicateRoutesEverythingAndSubscribersOfBothGetIt) {
  options_.routes.push_back(Route("orders", "audit"));
  Start();
  Client publisher = Connect();
  Client both = Connect("10.0.0.2:4000");
  Subscribe(both, 1, "orders");
  Subscribe(both, 3, "audit");
  ExpectPublishAck(Publish(publisher, 1, "orders", "x"), 1, 1, true);
  std::vector<Frame> frames = both.Take();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].stream_id, 1u);
  EXPECT_EQ(frames[1].stream_id, 3u);
}

TEST_F(RoutingTest, RoutedCopiesAreNeverRoutedAgain) {
  options_.routes.push_back(Route("orders", "audit"));
  options_.routes.push_back(Route("audit", "orders"));
  Start();
  Client publisher = Connect();
  Client both = Connect("10.0.0.2:4000");
  Subscribe(both, 1, "orders");
  Subscribe(both, 3, "audit");
  ExpectPublishAck(Publish(publisher, 1, "orders", "ping"), 1, 1, true);
  ExpectPublishAck(Publish(publisher, 1, "audit", "pong"), 1, 2, true);
  std::vector<Frame> frames = both.Take();
  EXPECT_EQ(Payloads(frames), (std::vector<std::string>{"ping", "ping", "pong", "pong"}));
}

TEST_F(RoutingTest, DuplicatesAreNotRoutedAndTheTargetSchemaApplies) {
  options_.routes.push_back(Route("orders", "typed"));
  Start();
  Client publisher = Connect();
  Client typed = Connect("10.0.0.2:4000");
  Subscribe(typed, 1, "typed");
  ExpectPublishAck(Publish(publisher, 1, "orders", "{\"n\":1}", "k"), 1, 1, false);
  ExpectPublishAck(Publish(publisher, 1, "orders", "{\"n\":1}", "k"), 1, 1, false);
  ExpectPublishAck(Publish(publisher, 1, "orders", "not an object"), 1, 2, false);
  EXPECT_EQ(Payloads(typed.Take()), (std::vector<std::string>{"{\"n\":1}"}));
}

TEST_F(RoutingTest, RulesNamingUnknownChannelsAreRefused) {
  options_.routes.push_back(Route("orders", "nowhere"));
  absl::StatusOr<std::unique_ptr<LiminalServices>> services =
      LiminalServices::Create(rt_, options_);
  ASSERT_FALSE(services.ok());
  EXPECT_NE(services.status().message().find("'nowhere'"), std::string::npos);
  options_.routes = {Route("orders", "orders")};
  EXPECT_FALSE(LiminalServices::Create(rt_, options_).ok());
}

}  // namespace
}  // namespace liminal::server::services::testing
