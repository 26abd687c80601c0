// Publish and subscribe on the real liminald through the client library
// (server-behaviour.md §2, §3): delivery to one and to N subscribers in order, the envelope
// as published, unknown channels, idempotency keys, JSON Schema rejection and schema ids,
// routing rules with predicates, credit flow control and slow-consumer shedding.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "client/blocking_client.h"
#include "client/client_error.h"
#include "core/protocol/reason_code.h"
#include "core/protocol/schema_id.h"
#include "tests/e2e/protocol/protocol_test_util.h"

namespace liminal::e2e {
namespace {

using client::AckMode;
using client::BlockingClient;
using client::BlockingSubscription;
using client::Delivery;
using client::PublishOptions;
using client::PublishResult;
using client::SubscribeOptions;
using protocol::ReasonCode;
using protocol::ToWire;
using ::testing::HasSubstr;
using ::testing::Optional;

// Long enough for a delivery that was wrongly let through to arrive; only spent by the
// checks that nothing more arrives (after a Ping round trip on the same connection).
constexpr absl::Duration kQuiet = absl::Milliseconds(200);

class PubSubTest : public ::testing::Test {
 protected:
  void Start(const std::string& config = std::string(kDefaultDaemonConfig),
             std::map<std::string, std::string> files = {}) {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = StartDaemon(config, std::move(files));
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  std::unique_ptr<BlockingClient> Client() {
    absl::StatusOr<std::unique_ptr<BlockingClient>> c = ConnectClient(*daemon_);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }

  static std::unique_ptr<BlockingSubscription> Subscribe(BlockingClient& c,
                                                         const std::string& channel,
                                                         SubscribeOptions options = {}) {
    absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub =
        c.Subscribe(channel, kCallTimeout, options);
    EXPECT_TRUE(sub.ok()) << channel << ": " << sub.status();
    return sub.ok() ? *std::move(sub) : nullptr;
  }

  // Publishes and expects an ack.
  static PublishResult Publish(BlockingClient& c, const std::string& channel,
                               const std::string& payload, PublishOptions options = {}) {
    absl::StatusOr<PublishResult> ack = c.Publish(channel, payload, kCallTimeout, options);
    EXPECT_TRUE(ack.ok()) << channel << " <- " << payload << ": " << ack.status();
    return ack.value_or(PublishResult{});
  }

  // The next delivery, which must be seq `seq` carrying `payload`.
  static void ExpectNext(BlockingSubscription& sub, uint64_t seq, const std::string& payload) {
    absl::StatusOr<Delivery> d = sub.Next(kCallTimeout);
    ASSERT_TRUE(d.ok()) << "waiting for seq " << seq << ": " << d.status();
    EXPECT_EQ(d->seq, seq);
    EXPECT_EQ(d->payload, payload) << "seq " << d->seq;
  }

  // Nothing more is delivered: a Ping round trip on the subscriber's connection, then a
  // short wait that must time out.
  static void ExpectNothingMore(BlockingClient& c, BlockingSubscription& sub) {
    ASSERT_TRUE(c.Ping(kCallTimeout).ok());
    absl::StatusOr<Delivery> d = sub.Next(kQuiet);
    EXPECT_TRUE(client::IsClientTimeout(d.status()))
        << (d.ok() ? absl::StrCat("unexpected delivery seq ", d->seq, ": ", d->payload)
                   : d.status().ToString());
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(PubSubTest, PublishReachesOneSubscriberInOrderUnderTheSelectedSchemaId) {
  Start();
  std::unique_ptr<BlockingClient> subscriber = Client();
  std::unique_ptr<BlockingClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);
  std::unique_ptr<BlockingSubscription> sub = Subscribe(*subscriber, "events");
  ASSERT_NE(sub, nullptr);

  PublishOptions first;
  first.schema_id.fill(0xAB);
  first.causal.parent_id = "parent-1";
  PublishResult ack = Publish(*publisher, "events", "m1", first);
  EXPECT_EQ(ack, (PublishResult{.message_id = 1, .delivered = true}));
  for (uint64_t i = 2; i <= 10; ++i) {
    ack = Publish(*publisher, "events", absl::StrCat("m", i));
    EXPECT_EQ(ack, (PublishResult{.message_id = i, .delivered = true}));
  }

  absl::StatusOr<Delivery> d = sub->Next(kCallTimeout);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->seq, 1u);
  EXPECT_EQ(d->payload, "m1");
  // Deliver carries the subscription's selected schema id, not the publisher's.
  EXPECT_EQ(d->schema_id, sub->schema_id());
  EXPECT_EQ(d->schema_id, protocol::SchemaIdOf(protocol::kNoSchemaDocument));
  EXPECT_EQ(d->causal, first.causal) << "the envelope's causal context was not kept";
  for (uint64_t i = 2; i <= 10; ++i) ExpectNext(*sub, i, absl::StrCat("m", i));
  ExpectNothingMore(*subscriber, *sub);
}

TEST_F(PubSubTest, PublishFansOutToEverySubscriberInOrder) {
  Start();
  std::vector<std::unique_ptr<BlockingClient>> clients;
  std::vector<std::unique_ptr<BlockingSubscription>> subs;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(Client());
    ASSERT_NE(clients.back(), nullptr);
    subs.push_back(Subscribe(*clients.back(), "events"));
    ASSERT_NE(subs.back(), nullptr);
  }
  // A second subscription on the first connection gets its own copy and its own seqs.
  subs.push_back(Subscribe(*clients[0], "events"));
  ASSERT_NE(subs.back(), nullptr);
  EXPECT_NE(subs[0]->id(), subs[3]->id());

  std::unique_ptr<BlockingClient> publisher = Client();
  ASSERT_NE(publisher, nullptr);
  constexpr uint64_t kMessages = 20;
  for (uint64_t i = 1; i <= kMessages; ++i) {
    const PublishResult ack = Publish(*publisher, "events", absl::StrCat("fan-", i));
    EXPECT_EQ(ack, (PublishResult{.message_id = i, .delivered = true}));
  }
  for (size_t s = 0; s < subs.size(); ++s) {
    SCOPED_TRACE(absl::StrCat("subscription #", s));
    for (uint64_t i = 1; i <= kMessages; ++i) ExpectNext(*subs[s], i, absl::StrCat("fan-", i));
  }
}

TEST_F(PubSubTest, UnknownChannelsAndUnheardPublishes) {
  Start();
  std::unique_ptr<BlockingClient> c = Client();
  ASSERT_NE(c, nullptr);

  absl::StatusOr<PublishResult> unknown = c->Publish("nope", "{}", kCallTimeout);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(client::GetReasonCode(unknown.status()),
              Optional(ToWire(ReasonCode::kUnknownChannel)));
  EXPECT_THAT(unknown.status().message(), HasSubstr("channel 'nope' is not configured"));

  absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub = c->Subscribe("nope", kCallTimeout);
  ASSERT_FALSE(sub.ok());
  EXPECT_THAT(client::GetReasonCode(sub.status()), Optional(ToWire(ReasonCode::kUnknownChannel)));

  // Accepted but heard by nobody: DELIVERED clear.
  EXPECT_EQ(Publish(*c, "audit", "{}"), (PublishResult{.message_id = 1, .delivered = false}));
  EXPECT_TRUE(c->Ping(kCallTimeout).ok()) << "the connection survives refused operations";
}

TEST_F(PubSubTest, IdempotencyKeysSuppressDuplicatesPerChannel) {
  Start();
  std::unique_ptr<BlockingClient> subscriber = Client();
  std::unique_ptr<BlockingClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);
  std::unique_ptr<BlockingSubscription> orders = Subscribe(*subscriber, "orders");
  std::unique_ptr<BlockingSubscription> events = Subscribe(*subscriber, "events");
  ASSERT_TRUE(orders && events);

  PublishOptions k1;
  k1.idempotency_key = "order-17";
  EXPECT_EQ(Publish(*publisher, "orders", "first", k1),
            (PublishResult{.message_id = 1, .delivered = true}));
  // The duplicate (even with another payload) gets the original id and DELIVERED clear.
  EXPECT_EQ(Publish(*publisher, "orders", "first", k1),
            (PublishResult{.message_id = 1, .delivered = false}));
  EXPECT_EQ(Publish(*publisher, "orders", "changed", k1),
            (PublishResult{.message_id = 1, .delivered = false}));
  // Another key, and no key, are new messages.
  PublishOptions k2;
  k2.idempotency_key = "order-18";
  EXPECT_EQ(Publish(*publisher, "orders", "second", k2),
            (PublishResult{.message_id = 2, .delivered = true}));
  EXPECT_EQ(Publish(*publisher, "orders", "third"),
            (PublishResult{.message_id = 3, .delivered = true}));
  // The same key on another channel is independent.
  EXPECT_EQ(Publish(*publisher, "events", "e-before"),
            (PublishResult{.message_id = 1, .delivered = true}));
  EXPECT_EQ(Publish(*publisher, "events", "e-keyed", k1),
            (PublishResult{.message_id = 2, .delivered = true}));

  // Delivered once each: the duplicates never reached the subscriber.
  ExpectNext(*orders, 1, "first");
  ExpectNext(*orders, 2, "second");
  ExpectNext(*orders, 3, "third");
  ExpectNext(*events, 1, "e-before");
  ExpectNext(*events, 2, "e-keyed");
  ExpectNothingMore(*subscriber, *orders);

  absl::StatusOr<double> duplicates =
      ReadMetric(daemon_->health(), "liminal_publishes_total{outcome=\"duplicate\"}");
  ASSERT_TRUE(duplicates.ok()) << duplicates.status();
  EXPECT_EQ(*duplicates, 2);
}

TEST_F(PubSubTest, SchemaRejectsInvalidPayloadsWithTheValidatorsText) {
  const std::string schema =
      R"({"type":"object","required":["id","total"],)"
      R"("properties":{"id":{"type":"integer"},"total":{"type":"number","minimum":0}}})";
  Start(R"(
[[channels]]
name = "orders"
schema_ref = "schemas/orders.json"

[[channels]]
name = "events"
)",
        {{"schemas/orders.json", schema}});
  std::unique_ptr<BlockingClient> subscriber = Client();
  std::unique_ptr<BlockingClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);
  std::unique_ptr<BlockingSubscription> sub = Subscribe(*subscriber, "orders");
  ASSERT_NE(sub, nullptr);
  // The channel schema id: the reference derivation over the schema file's bytes, or over
  // "{}" for a channel without a schema.
  EXPECT_EQ(sub->schema_id(), protocol::SchemaIdOf(schema));
  std::unique_ptr<BlockingSubscription> events = Subscribe(*subscriber, "events");
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->schema_id(), protocol::SchemaIdOf(protocol::kNoSchemaDocument));

  struct Invalid {
    std::string payload;
    std::string text;  // part of the validator's first error
  };
  for (const Invalid& invalid : {
           Invalid{R"({"id":"x","total":1})", "/id"},
           Invalid{R"({"id":1})", "total"},
           Invalid{R"({"id":1,"total":-5})", "/total"},
           Invalid{"not json", "payload is not valid JSON"},
       }) {
    SCOPED_TRACE(invalid.payload);
    absl::StatusOr<PublishResult> refused =
        publisher->Publish("orders", invalid.payload, kCallTimeout);
    ASSERT_FALSE(refused.ok());
    EXPECT_THAT(client::GetReasonCode(refused.status()),
                Optional(ToWire(ReasonCode::kSchemaInvalid)));
    EXPECT_THAT(refused.status().message(), HasSubstr("E_SCHEMA_INVALID (0x0101)"));
    EXPECT_THAT(refused.status().message(),
                HasSubstr("payload does not match the schema of channel 'orders'"));
    EXPECT_THAT(refused.status().message(), HasSubstr(invalid.text));
  }

  // Valid payloads are acked and delivered; the refused ones never were (seq 1 is the first
  // valid message) and took no message id.
  EXPECT_EQ(Publish(*publisher, "orders", R"({"id":7,"total":12.5})"),
            (PublishResult{.message_id = 1, .delivered = true}));
  EXPECT_EQ(Publish(*publisher, "orders", R"({"id":8,"total":0})"),
            (PublishResult{.message_id = 2, .delivered = true}));
  ExpectNext(*sub, 1, R"({"id":7,"total":12.5})");
  ExpectNext(*sub, 2, R"({"id":8,"total":0})");
  ExpectNothingMore(*subscriber, *sub);

  absl::StatusOr<double> rejected =
      ReadMetric(daemon_->health(), "liminal_publishes_total{outcome=\"rejected\"}");
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(*rejected, 4);
}

TEST_F(PubSubTest, RoutingRuleCopiesMatchingMessagesToTheTarget) {
  Start(R"(
[[channels]]
name = "orders"

[[channels]]
name = "audit"

[[routing_rules]]
source_channel = "orders"
target_channel = "audit"
predicate = "total > 100 and region != \"test\""
)");
  std::unique_ptr<BlockingClient> subscriber = Client();
  std::unique_ptr<BlockingClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);
  std::unique_ptr<BlockingSubscription> orders = Subscribe(*subscriber, "orders");
  std::unique_ptr<BlockingSubscription> audit = Subscribe(*subscriber, "audit");
  ASSERT_TRUE(orders && audit);

  const std::vector<std::string> published = {
      R"({"total":500,"region":"eu"})",    // matches
      R"({"total":50,"region":"eu"})",     // total too small
      R"({"total":900,"region":"test"})",  // region excluded
      "not json",                          // nothing to match
      R"({"total":1000,"region":"us"})",   // matches
  };
  for (const std::string& payload : published) Publish(*publisher, "orders", payload);
  // Published straight to the target, after the others: it must be audit's third delivery.
  Publish(*publisher, "audit", "direct");

  for (uint64_t i = 0; i < published.size(); ++i) ExpectNext(*orders, i + 1, published[i]);
  ExpectNext(*audit, 1, published[0]);
  ExpectNext(*audit, 2, published[4]);
  ExpectNext(*audit, 3, "direct");
  ExpectNothingMore(*subscriber, *audit);
}

TEST_F(PubSubTest, CreditLimitsUnacknowledgedDeliveriesToMaxInFlight) {
  Start();
  std::unique_ptr<BlockingClient> subscriber = Client();
  std::unique_ptr<BlockingClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);
  SubscribeOptions options;
  options.max_in_flight = 3;
  options.ack_mode = AckMode::kManual;
  options.ack_delay = absl::ZeroDuration();  // each Ack is sent at once
  std::unique_ptr<BlockingSubscription> sub = Subscribe(*subscriber, "events", options);
  ASSERT_NE(sub, nullptr);

  for (int i = 1; i <= 10; ++i) {
    EXPECT_TRUE(Publish(*publisher, "events", absl::StrCat("c", i)).delivered);
  }
  // Exactly three until an Accept; then each Accept (cumulative) frees the window again.
  for (uint64_t i = 1; i <= 3; ++i) ExpectNext(*sub, i, absl::StrCat("c", i));
  ExpectNothingMore(*subscriber, *sub);

  sub->Ack(2);  // covers 1 and 2: two more
  for (uint64_t i = 4; i <= 5; ++i) ExpectNext(*sub, i, absl::StrCat("c", i));
  ExpectNothingMore(*subscriber, *sub);

  sub->Ack(5);
  for (uint64_t i = 6; i <= 8; ++i) ExpectNext(*sub, i, absl::StrCat("c", i));
  ExpectNothingMore(*subscriber, *sub);

  sub->Ack(8);
  for (uint64_t i = 9; i <= 10; ++i) ExpectNext(*sub, i, absl::StrCat("c", i));
  sub->Ack(10);
  ExpectNothingMore(*subscriber, *sub);

  absl::StatusOr<double> accepts = AwaitMetric(
      daemon_->health(), "liminal_acks_total{kind=\"accept\"}", [](double v) { return v >= 4; });
  EXPECT_TRUE(accepts.ok()) << accepts.status();
}

TEST_F(PubSubTest, SlowConsumerIsShedWithoutHurtingOthers) {
  Start(std::string(kDefaultDaemonConfig) + "\n[limits]\nmax_subscription_inbox_depth = 4\n");
  std::unique_ptr<BlockingClient> slow_client = Client();
  std::unique_ptr<BlockingClient> good_client = Client();
  std::unique_ptr<BlockingClient> publisher = Client();
  ASSERT_TRUE(slow_client && good_client && publisher);
  SubscribeOptions never_acks;
  never_acks.max_in_flight = 1;
  never_acks.ack_mode = AckMode::kManual;
  std::unique_ptr<BlockingSubscription> slow = Subscribe(*slow_client, "events", never_acks);
  std::unique_ptr<BlockingSubscription> good = Subscribe(*good_client, "events");
  ASSERT_TRUE(slow && good);

  // The slow subscriber takes its one delivery and never acknowledges it; the good one
  // consumes each message before the next is published, so only the slow one's pending
  // queue grows — past max_subscription_inbox_depth within these 10 messages.
  constexpr int kMessages = 10;
  for (int i = 1; i <= kMessages; ++i) {
    const PublishResult ack = Publish(*publisher, "events", absl::StrCat("s", i));
    EXPECT_EQ(ack, (PublishResult{.message_id = static_cast<uint64_t>(i), .delivered = true}));
    ExpectNext(*good, i, absl::StrCat("s", i));
    if (i == 1) ExpectNext(*slow, 1, "s1");
  }

  absl::StatusOr<Delivery> shed = slow->Next(kCallTimeout);
  ASSERT_FALSE(shed.ok()) << "delivered seq " << shed->seq << " past the credit window";
  EXPECT_THAT(client::GetReasonCode(shed.status()), Optional(ToWire(ReasonCode::kSlowConsumer)));
  EXPECT_THAT(shed.status().message(), HasSubstr("max_subscription_inbox_depth"));

  // Everybody else carries on: the publisher, the good subscriber, and the slow client's
  // connection itself (only its subscription was dropped).
  EXPECT_EQ(Publish(*publisher, "events", "after"),
            (PublishResult{.message_id = kMessages + 1, .delivered = true}));
  ExpectNext(*good, kMessages + 1, "after");
  EXPECT_TRUE(slow_client->Ping(kCallTimeout).ok());

  absl::StatusOr<double> shed_total =
      ReadMetric(daemon_->health(), "liminal_subscriptions_shed_total");
  ASSERT_TRUE(shed_total.ok()) << shed_total.status();
  EXPECT_EQ(*shed_total, 1);
}

}  // namespace
}  // namespace liminal::e2e
