// Publish (server-behaviour.md §2): acks and per-channel ids, unknown channels, the DELIVERED
// bit, idempotency keys and their window, schema validation, and the envelope passing
// through untouched.
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

using protocol::ReasonCode;

class PublishTest : public ServicesTest {};

TEST_F(PublishTest, MessageIdsArePerChannelAndStartAtOne) {
  Start();
  Client a = Connect();
  ExpectPublishAck(Publish(a, 1, "orders", "{}"), 1, 1, false);
  ExpectPublishAck(Publish(a, 3, "orders", "{}"), 3, 2, false);
  ExpectPublishAck(Publish(a, 5, "audit", "{}"), 5, 1, false);
  Client b = Connect("10.0.0.2:4000");
  ExpectPublishAck(Publish(b, 1, "orders", "{}"), 1, 3, false);
  EXPECT_EQ(metrics_.Publishes(metrics::PublishOutcome::kAcked).Value(), 4u);
}

TEST_F(PublishTest, UnknownChannelIsRefusedWithText) {
  Start();
  Client a = Connect();
  ExpectError<protocol::PublishError>(Publish(a, 7, "nope", "{}"), FrameType::kPublishError, 7,
                                      ReasonCode::kUnknownChannel, "'nope' is not configured");
  EXPECT_EQ(metrics_.Publishes(metrics::PublishOutcome::kRejected).Value(), 1u);
  // No id was consumed anywhere.
  ExpectPublishAck(Publish(a, 1, "orders", "{}"), 1, 1, false);
}

TEST_F(PublishTest, DeliveredOnlyWhenASubscriptionQueuedIt) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}"), 1, 1, true);
  ExpectPublishAck(Publish(publisher, 1, "audit", "{}"), 1, 1, false);
  subscriber.Send(UnsubscribeFrame(1, 1));
  Run();
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}"), 1, 2, false);
}

TEST_F(PublishTest, DuplicateKeyGetsOriginalIdAndIsNotDeliveredAgain) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  ExpectPublishAck(Publish(publisher, 1, "orders", "{\"n\":1}", "k1"), 1, 1, true);
  ExpectPublishAck(Publish(publisher, 1, "orders", "{\"n\":2}"), 1, 2, true);
  ExpectPublishAck(Publish(publisher, 3, "orders", "{\"n\":1}", "k1"), 3, 1, false);
  EXPECT_EQ(Payloads(subscriber.Take()), (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}"}));
  EXPECT_EQ(metrics_.Publishes(metrics::PublishOutcome::kDuplicate).Value(), 1u);
  // The key is per channel, not per connection: another publisher is a duplicate too.
  Client other = Connect("10.0.0.3:4000");
  ExpectPublishAck(Publish(other, 1, "orders", "{}", "k1"), 1, 1, false);
  EXPECT_TRUE(subscriber.Take().empty());
}

TEST_F(PublishTest, SameKeyOnAnotherChannelIsIndependent) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  Subscribe(subscriber, 3, "audit");
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}"), 1, 1, true);
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}", "k"), 1, 2, true);
  ExpectPublishAck(Publish(publisher, 1, "audit", "{}", "k"), 1, 1, true);
  EXPECT_EQ(OfType(subscriber.Take(), FrameType::kDeliver).size(), 3u);
}

TEST_F(PublishTest, KeyIsForgottenAfterTheWindow) {
  options_.dedup_window = absl::Seconds(10);
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}", "k"), 1, 1, true);
  rt_.AdvanceTime(absl::Seconds(9));
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}", "k"), 1, 1, false);
  // The duplicate did not extend the window: 10 s after the first publish it is new again.
  rt_.AdvanceTime(absl::Seconds(1));
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}", "k"), 1, 2, true);
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{1, 2}));
}

TEST_F(PublishTest, SchemaViolationIsRefusedWithTheValidatorsFirstError) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "typed");
  ExpectError<protocol::PublishError>(Publish(publisher, 5, "typed", "{\"x\":\"bad\"}"),
                                      FrameType::kPublishError, 5, ReasonCode::kSchemaInvalid,
                                      "/field: \"bad\" is not allowed");
  ExpectError<protocol::PublishError>(Publish(publisher, 5, "typed", "not json"),
                                      FrameType::kPublishError, 5, ReasonCode::kSchemaInvalid,
                                      "channel 'typed'");
  EXPECT_TRUE(subscriber.Take().empty());
  // A rejected publish consumes no id and claims no key.
  ExpectError<protocol::PublishError>(Publish(publisher, 5, "typed", "{\"bad\":1}", "k"),
                                      FrameType::kPublishError, 5, ReasonCode::kSchemaInvalid,
                                      "not allowed");
  ExpectPublishAck(Publish(publisher, 5, "typed", "{\"ok\":1}", "k"), 5, 1, true);
  // A channel without a schema accepts any bytes.
  ExpectPublishAck(Publish(publisher, 5, "orders", std::string("\xff\x00raw", 5)), 5, 1, false);
  EXPECT_EQ(metrics_.Publishes(metrics::PublishOutcome::kRejected).Value(), 3u);
}

TEST_F(PublishTest, DeliversThePublishersEnvelopeUnderTheSelectedSchemaId) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 9, "orders");
  protocol::Envelope envelope =
      MakeEnvelope("{\"a\":1}", 0x5A, protocol::CausalContext{std::string("parent-1"), 42});
  publisher.Send(protocol::MakeFrame(protocol::Publish{"orders", envelope, std::nullopt}, 1));
  Run();
  std::vector<Frame> frames = subscriber.Take();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(TypeOf(frames[0]), FrameType::kDeliver);
  EXPECT_EQ(frames[0].stream_id, 9u);
  EXPECT_EQ(frames[0].flags, 0);
  // The causal context and payload as published; the schema id is the subscription's
  // selected one (the channel's), not the publisher's (wire §9, reference-compat.md §2).
  protocol::Envelope expected = envelope;
  expected.schema_id = FilledSchema(0x11);
  EXPECT_EQ(std::get<protocol::Deliver>(frames[0].body).envelope, expected);
}

}  // namespace
}  // namespace liminal::server::services::testing
