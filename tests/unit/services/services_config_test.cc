// ServicesOptionsFromConfig: the configuration mapped onto ServicesOptions through a fake
// backend, with every problem reported at once under its configuration key.
#include "core/server/services/services_config.h"

#include "core/server/services/predicate_parser.h"
#include "gtest/gtest.h"
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

class FakeBackend final : public ServicesBackend {
 public:
  protocol::SchemaId ChannelSchemaId(const config::ChannelConfig& channel) const override {
    protocol::SchemaId id{};
    const std::string& source =
        channel.schema.has_value() ? channel.schema_document : channel.schema_ref;
    for (size_t i = 0; i < source.size() && i < id.size(); ++i) {
      id[i] = static_cast<uint8_t>(source[i]);
    }
    return id;
  }
  absl::StatusOr<std::shared_ptr<const PayloadValidator>> CompileSchema(
      const config::ChannelConfig& channel) const override {
    if (!channel.schema.has_value()) return nullptr;
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

config::ChannelConfig ChannelConfig(std::string name, std::string ref = "",
                                    std::optional<std::string> schema_document = std::nullopt) {
  config::ChannelConfig channel;
  channel.name = std::move(name);
  channel.schema_ref = std::move(ref);
  if (schema_document.has_value()) {
    channel.schema = "/etc/schemas/" + channel.name + ".json";
    channel.schema_document = *schema_document;
  }
  return channel;
}

TEST(ServicesConfigTest, MapsChannelsRulesAndLimits) {
  config::ServerConfig config;
  config.dedup_window_ms = 1500;
  config.conversation_reply_timeout_ms = 250;
  config.max_subscriptions_per_connection = 7;
  config.subscription_pending_limit = 9;
  config.channels.push_back(ChannelConfig(" orders ", "orders-v1"));
  config.channels.push_back(ChannelConfig("typed", "ignored", "{\"type\":\"object\"}"));
  config.channels.back().durable = true;
  config.routing_rules.push_back({"orders", "typed", std::string("qty > 3 and ok == true")});
  config.routing_rules.push_back({"typed", "orders", std::nullopt});
  metrics::ServerMetrics metrics;
  FakeBackend backend;
  absl::StatusOr<ServicesOptions> options = ServicesOptionsFromConfig(config, backend, &metrics);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->dedup_window, absl::Milliseconds(1500));
  EXPECT_EQ(options->conversation_reply_timeout, absl::Milliseconds(250));
  EXPECT_EQ(options->max_subscriptions_per_connection, 7u);
  EXPECT_EQ(options->subscription_pending_limit, 9u);
  EXPECT_EQ(options->metrics, &metrics);
  ASSERT_EQ(options->channels.size(), 2u);
  EXPECT_EQ(options->channels[0].name, "orders");
  EXPECT_EQ(options->channels[0].schema_id[0], 'o');  // from schema_ref
  EXPECT_EQ(options->channels[0].validator, nullptr);
  EXPECT_EQ(options->channels[1].schema_id[0], '{');  // from the schema document
  EXPECT_NE(options->channels[1].validator, nullptr);
  EXPECT_TRUE(options->channels[1].durable);
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
  config.channels.push_back(ChannelConfig("a", "", "broken"));
  config.channels.push_back(ChannelConfig("b"));
  config.routing_rules.push_back({"a", "b", std::string("x = 1")});
  config.routing_rules.push_back({"b", "a", std::string("y > ")});
  FakeBackend backend;
  absl::StatusOr<ServicesOptions> options = ServicesOptionsFromConfig(config, backend);
  ASSERT_FALSE(options.ok());
  const std::string message(options.status().message());
  EXPECT_NE(message.find("channels[0].schema: channel 'a': not JSON"), std::string::npos)
      << message;
  EXPECT_NE(message.find("routing_rules[0].predicate: '=' is not an operator"), std::string::npos)
      << message;
  EXPECT_NE(message.find("routing_rules[1].predicate: expected a value after '>'"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace liminal::server::services::testing
