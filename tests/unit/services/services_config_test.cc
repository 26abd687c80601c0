// ServicesOptionsFromConfig: the configuration mapped onto ServicesOptions through a fake
// backend, with every problem reported at once under its configuration key.
#include "core/server/services/services_config.h"

#include "core/protocol/schema_id.h"
#include "core/server/services/routing/predicate_parser.h"
#include "gtest/gtest.h"
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

class FakeBackend final : public ServicesBackend {
 public:
  absl::StatusOr<std::shared_ptr<const PayloadValidator>> CompileSchema(
      const config::ChannelConfig& channel) const override {
    if (!channel.schema_ref.has_value()) return nullptr;
    if (channel.schema_document == "broken") return absl::InvalidArgumentError("not JSON");
    return std::make_shared<FakeValidator>();
  }
  absl::StatusOr<std::shared_ptr<const MessagePredicate>> CompilePredicate(
      const PredicateExpr& expr) const override {
    compiled.push_back(PredicateToString(expr));
    return std::make_shared<FunctionPredicate>([](std::string_view) { return true; });
  }
  mutable std::vector<std::string> compiled;
};

config::ChannelConfig ChannelConfig(std::string name,
                                    std::optional<std::string> schema_document = std::nullopt) {
  config::ChannelConfig channel;
  channel.name = std::move(name);
  if (schema_document.has_value()) {
    channel.schema_ref = "/etc/schemas/" + channel.name + ".json";
    channel.schema_document = *schema_document;
  }
  return channel;
}

TEST(ServicesConfigTest, MapsChannelsRulesAndLimits) {
  config::ServerConfig config;
  config.limits.dedup_window_ms = 1500;
  config.limits.conversation_reply_timeout_ms = 250;
  config.limits.max_subscriptions_per_connection = 7;
  config.limits.max_conversations_per_connection = 5;
  config.limits.max_pending_replies_per_conversation = 2;
  config.limits.max_pending_conversation_replies_per_connection = 3;
  config.limits.max_subscription_inbox_depth = 9;
  config.services.profile = config::ServicesProfile::kWorkerFrontDoor;
  config.channels.push_back(ChannelConfig(" orders "));
  config.channels.push_back(ChannelConfig("typed", "{\"type\":\"object\"}"));
  config.channels.back().durable = true;
  config.channels.back().fsync = config::FsyncPolicy::kInterval;
  config.channels.back().fsync_interval_ms = 250;
  config.channels.back().retention.max_messages = 10;
  config.persistence_path = "/data/liminal/";
  config.routing_rules.push_back({"orders", "typed", std::string("qty > 3 and ok == true")});
  config.routing_rules.push_back({"typed", "orders", std::nullopt});
  metrics::ServerMetrics metrics;
  FakeBackend backend;
  absl::StatusOr<ServicesOptions> options = ServicesOptionsFromConfig(config, backend, &metrics);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->dedup_window, absl::Milliseconds(1500));
  EXPECT_EQ(options->conversation_reply_timeout, absl::Milliseconds(250));
  EXPECT_EQ(options->max_subscriptions_per_connection, 7u);
  EXPECT_EQ(options->max_conversations_per_connection, 5u);
  EXPECT_EQ(options->max_pending_replies_per_conversation, 2u);
  EXPECT_EQ(options->max_pending_conversation_replies_per_connection, 3u);
  EXPECT_EQ(options->max_subscription_inbox_depth, 9u);
  EXPECT_TRUE(options->worker_front_door);
  EXPECT_EQ(options->metrics, &metrics);
  ASSERT_EQ(options->channels.size(), 2u);
  EXPECT_EQ(options->channels[0].name, "orders");
  // The reference schema ids: over "{}" without a schema, else over the schema file's bytes.
  EXPECT_EQ(options->channels[0].schema_id, protocol::SchemaIdOf("{}"));
  EXPECT_EQ(options->channels[0].validator, nullptr);
  EXPECT_EQ(options->channels[1].schema_id, protocol::SchemaIdOf("{\"type\":\"object\"}"));
  EXPECT_NE(options->channels[1].validator, nullptr);
  EXPECT_TRUE(options->channels[1].durable);
  EXPECT_EQ(options->channels[1].storage.directory, "/data/liminal/typed");
  EXPECT_EQ(options->channels[1].storage.fsync, config::FsyncPolicy::kInterval);
  EXPECT_EQ(options->channels[1].storage.fsync_interval, absl::Milliseconds(250));
  EXPECT_EQ(options->channels[1].storage.retention.max_messages, 10u);
  ASSERT_EQ(options->routes.size(), 2u);
  EXPECT_EQ(options->routes[0].predicate_text, "qty > 3 and ok == true");
  EXPECT_NE(options->routes[0].predicate, nullptr);
  EXPECT_EQ(options->routes[1].predicate, nullptr);
  EXPECT_EQ(backend.compiled, (std::vector<std::string>{"(qty > 3 and ok == true)"}));
  // The result builds a working LiminalServices.
  ManualRuntime rt;
  EXPECT_TRUE(LiminalServices::Create(rt, *std::move(options)).ok());
}

TEST(ServicesConfigTest, ReportsEveryProblemUnderItsKey) {
  config::ServerConfig config;
  config.channels.push_back(ChannelConfig("a", "broken"));
  config.channels.push_back(ChannelConfig("b"));
  config.routing_rules.push_back({"a", "b", std::string("x = 1")});
  config.routing_rules.push_back({"b", "a", std::string("y > ")});
  FakeBackend backend;
  absl::StatusOr<ServicesOptions> options = ServicesOptionsFromConfig(config, backend);
  ASSERT_FALSE(options.ok());
  const std::string message(options.status().message());
  EXPECT_NE(message.find("channels[0].schema_ref: channel 'a': not JSON"), std::string::npos)
      << message;
  EXPECT_NE(message.find("routing_rules[0].predicate: '=' is not an operator"), std::string::npos)
      << message;
  EXPECT_NE(message.find("routing_rules[1].predicate: expected a value after '>'"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace liminal::server::services::testing
