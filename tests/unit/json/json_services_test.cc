// The services built from a configuration with the daemon's JSON backend, end to end on the
// manual runtime: reference schema ids in SubscribeAck, real JSON Schema rejections, and
// routing rules with JSON predicates.
#include "core/protocol/schema_id.h"
#include "core/server/services/services_config.h"
#include "daemon/json/json_services_backend.h"
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

using protocol::ReasonCode;

class JsonServicesTest : public ServicesTest {
 protected:
  void StartFromConfig(const config::ServerConfig& config) {
    daemon::JsonServicesBackend backend;
    absl::StatusOr<ServicesOptions> options = ServicesOptionsFromConfig(config, backend, &metrics_);
    ASSERT_TRUE(options.ok()) << options.status();
    options_ = *std::move(options);
    Start();
  }

  static config::ServerConfig Config() {
    config::ServerConfig config;
    config::ChannelConfig orders;
    orders.name = "orders";
    orders.schema_ref = "/etc/liminal/orders.json";
    orders.schema_document =
        R"({"type":"object","required":["total"],"properties":{"total":{"type":"number"}}})";
    config::ChannelConfig big;
    big.name = "big-orders";
    big.schema_ref = "/etc/liminal/big-orders.json";
    big.schema_document = R"({"type":"object"})";
    config::ChannelConfig eu;
    eu.name = "eu";
    config.channels = {orders, big, eu};
    config.routing_rules.push_back({"orders", "big-orders", std::string("total >= 1000")});
    config.routing_rules.push_back(
        {"orders", "eu", std::string("customer.region == \"eu\" and not exists(test)")});
    return config;
  }
};

TEST_F(JsonServicesTest, SubscribeAckCarriesTheReferenceSchemaId) {
  const config::ServerConfig config = Config();
  StartFromConfig(config);
  Client a = Connect();
  a.Send(SubscribeFrame(1, "orders"));
  a.Send(SubscribeFrame(3, "big-orders", 10, {protocol::SchemaIdOf(R"({"type":"object"})")}));
  a.Send(SubscribeFrame(5, "eu", 10, {protocol::SchemaIdOf("something-else")}));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 3u);
  ASSERT_EQ(TypeOf(frames[0]), FrameType::kSubscribeAck);
  EXPECT_EQ(std::get<protocol::SubscribeAck>(frames[0].body).selected_schema,
            protocol::SchemaIdOf(config.channels[0].schema_document));
  ASSERT_EQ(TypeOf(frames[1]), FrameType::kSubscribeAck);
  EXPECT_EQ(std::get<protocol::SubscribeAck>(frames[1].body).selected_schema,
            protocol::SchemaIdOf(R"({"type":"object"})"));
  ExpectError<protocol::SubscribeError>(frames[2], FrameType::kSubscribeError, 5,
                                        ReasonCode::kSchemaIncompatible, "'eu'");
}

TEST_F(JsonServicesTest, JsonSchemaRejectionsCarryTheValidatorsFirstError) {
  StartFromConfig(Config());
  Client a = Connect();
  ExpectPublishAck(Publish(a, 1, "orders", R"({"total": 12.5})"), 1, 1, false);
  ExpectError<protocol::PublishError>(Publish(a, 3, "orders", R"({"total": "12"})"),
                                      FrameType::kPublishError, 3, ReasonCode::kSchemaInvalid,
                                      "channel 'orders': /total: ");
  ExpectError<protocol::PublishError>(Publish(a, 3, "orders", "{"), FrameType::kPublishError, 3,
                                      ReasonCode::kSchemaInvalid, "not valid JSON");
  ExpectPublishAck(Publish(a, 1, "eu", "not json at all"), 1, 1, false);  // no schema
}

TEST_F(JsonServicesTest, RoutingRulesWithJsonPredicates) {
  StartFromConfig(Config());
  Client publisher = Connect();
  Client big = Connect("10.0.0.2:4000");
  Client eu = Connect("10.0.0.3:4000");
  Subscribe(big, 1, "big-orders");
  Subscribe(eu, 1, "eu");
  const std::vector<std::string> payloads = {
      R"({"total": 10})",
      R"({"total": 5000, "customer": {"region": "us"}})",
      R"({"total": 20, "customer": {"region": "eu"}})",
      R"({"total": 2000, "customer": {"region": "eu"}})",
      R"({"total": 3000, "customer": {"region": "eu"}, "test": true})",
  };
  for (size_t i = 0; i < payloads.size(); ++i) {
    ExpectPublishAck(Publish(publisher, 1, "orders", payloads[i]), 1, i + 1, false);
  }
  std::vector<Frame> big_frames = big.Take();
  EXPECT_EQ(Payloads(big_frames),
            (std::vector<std::string>{payloads[1], payloads[3], payloads[4]}));
  EXPECT_EQ(Seqs(big_frames), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(Payloads(eu.Take()), (std::vector<std::string>{payloads[2], payloads[3]}));
  // The routed copies took the targets' own message ids.
  ExpectPublishAck(Publish(publisher, 1, "big-orders", "{}"), 1, 4, true);
  ExpectPublishAck(Publish(publisher, 1, "eu", "{}"), 1, 3, true);
}

TEST_F(JsonServicesTest, BadSchemasAndPredicatesFailAtStartup) {
  config::ServerConfig config = Config();
  config.channels[0].schema_document = "{not json";
  config.routing_rules[0].predicate = "total >";
  daemon::JsonServicesBackend backend;
  absl::StatusOr<ServicesOptions> options = ServicesOptionsFromConfig(config, backend);
  ASSERT_FALSE(options.ok());
  const std::string message(options.status().message());
  EXPECT_NE(message.find("channels[0].schema_ref: channel 'orders': schema is not valid JSON"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("routing_rules[0].predicate: expected a value after '>'"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace liminal::server::services::testing
