// Delivery to subscribers that do not acknowledge, as the reference SDK subscribes
// (reference-compat.md §2): no credit gate, several subscriptions on one stream sharing its
// delivery_seq, acknowledgements ignored, a stream of its own for ACKS subscriptions, the
// selected schema id on every Deliver, and the slow-consumer bound for one that never reads.
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

using protocol::ReasonCode;

class ReferenceDeliveryTest : public ServicesTest {
 protected:
  // Subscribes without ACKS and returns the subscription id from the SubscribeAck.
  uint64_t ReferenceSubscribe(const Client& client, uint32_t stream, std::string channel,
                              uint32_t max_in_flight = 1024) {
    return SubscribeWith(client,
                         ReferenceSubscribeFrame(stream, std::move(channel), max_in_flight));
  }
};

TEST_F(ReferenceDeliveryTest, WithoutAcksDeliveryIsNotGatedOnCredit) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  ReferenceSubscribe(subscriber, 1, "orders", /*max_in_flight=*/1);
  PublishMany(publisher, "orders", 50);
  std::vector<uint64_t> expected;
  for (uint64_t i = 1; i <= 50; ++i) expected.push_back(i);
  std::vector<Frame> frames = subscriber.Take();
  EXPECT_EQ(Seqs(frames), expected);
  EXPECT_EQ(Payloads(frames).back(), "m50");
  EXPECT_EQ(Shed(), 0u);
}

TEST_F(ReferenceDeliveryTest, SubscriptionsShareAStreamAndItsSequence) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  const uint64_t orders = ReferenceSubscribe(subscriber, 1, "orders");
  const uint64_t audit = ReferenceSubscribe(subscriber, 1, "audit");
  EXPECT_NE(orders, audit);
  PublishMany(publisher, "orders", 2);
  PublishMany(publisher, "audit", 1, 3);
  std::vector<Frame> frames = subscriber.Take();
  ASSERT_EQ(frames.size(), 3u);
  for (const Frame& frame : frames) EXPECT_EQ(frame.stream_id, 1u);
  EXPECT_EQ(Seqs(frames), (std::vector<uint64_t>{1, 2, 3}));  // one sequence per stream
  EXPECT_EQ(Payloads(frames), (std::vector<std::string>{"m1", "m2", "m3"}));
  // Unsubscribing one leaves the other on the stream, and the sequence goes on.
  subscriber.Send(UnsubscribeFrame(1, orders));
  Run();
  PublishMany(publisher, "orders", 1, 4);
  PublishMany(publisher, "audit", 1, 5);
  frames = subscriber.Take();
  EXPECT_EQ(Seqs(frames), (std::vector<uint64_t>{4}));
  EXPECT_EQ(Payloads(frames), (std::vector<std::string>{"m5"}));
}

TEST_F(ReferenceDeliveryTest, AnAcksSubscriptionNeedsAStreamOfItsOwn) {
  Start();
  Client a = Connect();
  ReferenceSubscribe(a, 1, "orders");
  a.Send(SubscribeFrame(1, "audit"));  // ACKS on a stream that already carries one
  Run();
  ExpectError<protocol::SubscribeError>(a.Take().at(0), FrameType::kSubscribeError, 1,
                                        ReasonCode::kInvalidStream, "a stream of its own");
  EXPECT_NE(Subscribe(a, 3, "audit"), 0u);       // ACKS on a fresh stream
  a.Send(ReferenceSubscribeFrame(3, "orders"));  // anything more on the ACKS stream
  a.Send(SubscribeFrame(3, "orders"));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 2u);
  for (const Frame& frame : frames) {
    ExpectError<protocol::SubscribeError>(frame, FrameType::kSubscribeError, 3,
                                          ReasonCode::kInvalidStream, "acknowledges deliveries");
  }
  EXPECT_EQ(SubscriptionsGauge(), 2);
}

TEST_F(ReferenceDeliveryTest, AcknowledgementsWithoutAcksChangeNothing) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  ReferenceSubscribe(subscriber, 1, "orders", /*max_in_flight=*/2);
  PublishMany(publisher, "orders", 3);
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{1, 2, 3}));
  subscriber.Send(AcceptFrame(1, "3"));
  subscriber.Send(DeferFrame(1, "2"));
  subscriber.Send(RejectFrame(1, "1"));
  Run();
  EXPECT_TRUE(subscriber.Take().empty());  // no redelivery for the Defer
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kAccept).Value(), 0u);
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kDefer).Value(), 0u);
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kReject).Value(), 0u);
}

TEST_F(ReferenceDeliveryTest, DeliverCarriesTheSelectedSchemaIdNotThePublishers) {
  options_.routes.push_back(Route("orders", "audit"));
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  ReferenceSubscribe(subscriber, 1, "orders");
  Subscribe(subscriber, 3, "audit");  // with ACKS: the same rule
  protocol::Envelope envelope = MakeEnvelope("x", /*schema_byte=*/0xAB);
  envelope.causal.parent_id = "parent-7";  // forwarded untouched
  publisher.Send(protocol::MakeFrame(protocol::Publish{"orders", envelope, std::nullopt}, 1));
  Run();
  std::vector<Frame> frames = OfType(subscriber.Take(), FrameType::kDeliver);
  ASSERT_EQ(frames.size(), 2u);
  for (const Frame& frame : frames) {
    const protocol::Envelope& delivered = std::get<protocol::Deliver>(frame.body).envelope;
    // orders' schema on stream 1; the routed copy carries audit's on stream 3.
    EXPECT_EQ(delivered.schema_id, FilledSchema(frame.stream_id == 1 ? 0x11 : 0x22));
    EXPECT_EQ(delivered.causal, envelope.causal);
    EXPECT_EQ(delivered.payload, "x");
  }
}

TEST_F(ReferenceDeliveryTest, ASubscriberThatNeverReadsIsShedAtItsQueueBound) {
  options_.max_subscription_inbox_depth = 4;
  SupervisorOptions supervisor_options;
  supervisor_options.connection.max_outbound_bytes = 1024;  // a few Deliver frames
  Start(std::move(supervisor_options));
  Client publisher = Connect();
  Client stalled = Connect("10.0.0.2:4000");
  Client reader = Connect("10.0.0.3:4000");
  ReferenceSubscribe(stalled, 1, "orders");
  ReferenceSubscribe(reader, 1, "orders");
  stalled.peer->Stall();
  const std::string payload(300, 'p');
  for (int i = 0; i < 20; ++i) publisher.Send(PublishFrame(1, "orders", payload));
  Run();
  EXPECT_EQ(OfType(publisher.Take(), FrameType::kPublishAck).size(), 20u);
  EXPECT_EQ(Seqs(reader.Take()).size(), 20u);  // the reader is not held back
  EXPECT_EQ(Shed(), 1u);
  stalled.peer->Unstall();
  Run();
  std::vector<Frame> frames = stalled.Take();
  ASSERT_FALSE(frames.empty());
  ExpectError<protocol::SubscribeError>(frames.back(), FrameType::kSubscribeError, 1,
                                        ReasonCode::kSlowConsumer, "max_subscription_inbox_depth");
  EXPECT_LT(Seqs(frames).size(), 20u);
}

}  // namespace
}  // namespace liminal::server::services::testing
