// Channel schema ids as the reference 0.2.3 and its SDK derive them (reference-compat.md §3,
// §1, §2): the derivation itself against the spec's vectors (no daemon); accepted_schemas that
// the SDK computes from the very bytes of a channel's schema file are accepted and selected;
// and every Deliver carries the subscription's selected schema id, whatever id the publisher
// put in its envelope and also for messages that reached the channel through a routing rule.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/e2e/compat/compat_test_util.h"

namespace liminal::e2e::compat {
namespace {

// The spec's table (reference-compat.md §3): schema bytes -> id.
TEST(ReferenceSchemaIdTest, DerivationMatchesTheSpecVectors) {
  EXPECT_EQ(Hex(ReferenceSchemaId("{}")), kNoSchemaIdHex);
  EXPECT_EQ(Hex(ReferenceSchemaId("{}")),
            "08f44b07b5901a25d1e17335725217d3115bb35de7b287a54bb3187d127cc0f4");
  EXPECT_EQ(Hex(ReferenceSchemaId(R"({"type":"object"})")),
            "9cdd4c929f357a54a3487ad228e2e8decbc9c8f5a66129164e5e38a91849a424");
  EXPECT_EQ(Hex(ReferenceSchemaId("{\"type\":\"object\",\"required\":[\"id\"]}\n")),
            "16b7d6ef450c92ec995733644ca0cffea623dc944e699adb1fb3a2ed29abb780");
  EXPECT_EQ(Hex(ReferenceSchemaId("")),
            "cbf29ce4842223254645b230cece75b2d69ee3286930c3256c2eb992069de0c3");
  // The suite's orders schema file is the third vector, byte for byte.
  EXPECT_EQ(Hex(ReferenceSchemaId(kOrdersSchema)),
            "16b7d6ef450c92ec995733644ca0cffea623dc944e699adb1fb3a2ed29abb780");
  EXPECT_EQ(Hex(SchemaIdFromHex(kNoSchemaIdHex)), kNoSchemaIdHex);
}

// A schema file whose bytes are not the canonical form of its JSON: the id is derived from
// the bytes as read from disk, so whitespace changes it.
constexpr absl::string_view kShipmentsSchema = "{\n  \"type\": \"object\"\n}\n";

class SchemaIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::map<std::string, std::string> files = ReferenceFiles();
    files["schemas/shipments.json"] = std::string(kShipmentsSchema);
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon =
        StartReference(absl::StrCat(kReferenceConfig, R"(
[[channels]]
name = "shipments"
schema_ref = "schemas/shipments.json"
durable = false
)"),
                       std::move(files));
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  std::optional<RawClient> Client() {
    absl::StatusOr<RawClient> client = SdkConnect(*daemon_);
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) return std::nullopt;
    return *std::move(client);
  }

  // A fresh SDK connection subscribed to `channel` with `accepted`; the SubscribeAck.
  absl::StatusOr<protocol::SubscribeAck> Subscribe(std::optional<RawClient>& client,
                                                   const std::string& channel,
                                                   std::vector<protocol::SchemaId> accepted = {}) {
    client = Client();
    if (!client) return absl::UnavailableError("no connection");
    return SdkSubscribe(*client, channel, std::move(accepted));
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(SchemaIdTest, AcceptedSchemasComputedLikeTheSdkAreAcceptedAndSelected) {
  struct Case {
    std::string channel;
    std::string schema_bytes;  // what the SDK hashes: the file's bytes, or {} without one
  };
  const Case cases[] = {
      {"orders", std::string(kOrdersSchema)},
      {"shipments", std::string(kShipmentsSchema)},
      {"events", "{}"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.channel);
    const protocol::SchemaId id = ReferenceSchemaId(c.schema_bytes);
    std::optional<RawClient> client;
    absl::StatusOr<protocol::SubscribeAck> ack = Subscribe(client, c.channel, {id});
    ASSERT_TRUE(ack.ok()) << "accepted_schemas [" << Hex(id) << "]: " << ack.status();
    EXPECT_EQ(Hex(ack->selected_schema), Hex(id));
  }
  // Without accepted_schemas (what the SDK sends when it has computed none), the same ids.
  std::optional<RawClient> client;
  absl::StatusOr<protocol::SubscribeAck> events = Subscribe(client, "events");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(Hex(events->selected_schema), kNoSchemaIdHex);
  absl::StatusOr<protocol::SubscribeAck> orders = Subscribe(client, "orders");
  ASSERT_TRUE(orders.ok()) << orders.status();
  EXPECT_EQ(Hex(orders->selected_schema), Hex(ReferenceSchemaId(kOrdersSchema)));
}

TEST_F(SchemaIdTest, DeliverCarriesTheSelectedSchemaIdNotThePublishersId) {
  std::optional<RawClient> orders_sub;
  std::optional<RawClient> events_sub;
  absl::StatusOr<protocol::SubscribeAck> orders = Subscribe(orders_sub, "orders");
  absl::StatusOr<protocol::SubscribeAck> events = Subscribe(events_sub, "events");
  ASSERT_TRUE(orders.ok()) << orders.status();
  ASSERT_TRUE(events.ok()) << events.status();
  std::optional<RawClient> publisher = Client();
  ASSERT_TRUE(publisher);

  protocol::SchemaId foreign{};
  foreign.fill(0xAB);
  // The channel's own id, a foreign id, and zeros: the subscriber sees its selected id each time.
  const protocol::SchemaId publisher_ids[] = {orders->selected_schema, foreign, {}};
  for (size_t i = 0; i < std::size(publisher_ids); ++i) {
    const std::string payload = absl::StrCat(R"({"id":)", i + 1, "}");
    absl::StatusOr<uint64_t> ack = SdkPublish(*publisher, "orders", payload, publisher_ids[i]);
    ASSERT_TRUE(ack.ok()) << payload << ": " << ack.status();
    absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*orders_sub);
    ASSERT_TRUE(deliver.ok()) << deliver.status();
    EXPECT_EQ(deliver->envelope.payload, payload);
    EXPECT_EQ(Hex(deliver->envelope.schema_id), Hex(orders->selected_schema))
        << "publisher's id was " << Hex(publisher_ids[i]);
  }

  ASSERT_TRUE(SdkPublish(*publisher, "events", "e1", foreign).ok());
  absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*events_sub);
  ASSERT_TRUE(deliver.ok()) << deliver.status();
  EXPECT_EQ(deliver->envelope.payload, "e1");
  EXPECT_EQ(Hex(deliver->envelope.schema_id), Hex(events->selected_schema));
  EXPECT_EQ(Hex(deliver->envelope.schema_id), kNoSchemaIdHex);
}

TEST_F(SchemaIdTest, RoutedDeliverCarriesTheTargetChannelsSelectedSchemaId) {
  // Routing rule orders -> audit; audit has no schema, so its id is that of {}.
  std::optional<RawClient> audit_sub;
  absl::StatusOr<protocol::SubscribeAck> audit = Subscribe(audit_sub, "audit");
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_EQ(Hex(audit->selected_schema), kNoSchemaIdHex);
  std::optional<RawClient> publisher = Client();
  ASSERT_TRUE(publisher);

  protocol::SchemaId foreign{};
  foreign.fill(0xAB);
  const protocol::SchemaId publisher_ids[] = {ReferenceSchemaId(kOrdersSchema), foreign};
  for (size_t i = 0; i < std::size(publisher_ids); ++i) {
    const std::string payload = absl::StrCat(R"({"id":)", i + 1, "}");
    ASSERT_TRUE(SdkPublish(*publisher, "orders", payload, publisher_ids[i]).ok());
    absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*audit_sub);
    ASSERT_TRUE(deliver.ok()) << "routed " << payload << ": " << deliver.status();
    EXPECT_EQ(deliver->envelope.payload, payload);
    EXPECT_EQ(Hex(deliver->envelope.schema_id), Hex(audit->selected_schema))
        << "publisher's id was " << Hex(publisher_ids[i]);
  }
}

}  // namespace
}  // namespace liminal::e2e::compat
