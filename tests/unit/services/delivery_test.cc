// Subscribe and delivery (server-behaviour.md §3): SubscribeAck and its refusals, Deliver on
// the Subscribe's stream with delivery_seq from 1, credit with cumulative Accept, Reject and
// Defer, slow-consumer shedding, Unsubscribe, outbound room, and wake economy.
#include "core/protocol/frame_encoder.h"
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

using protocol::ReasonCode;

class DeliveryTest : public ServicesTest {};

TEST_F(DeliveryTest, SubscribeAckCarriesPerConnectionIdAndChannelSchema) {
  Start();
  Client a = Connect();
  Client b = Connect("10.0.0.2:4000");
  a.Send(SubscribeFrame(5, "orders"));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(TypeOf(frames[0]), FrameType::kSubscribeAck);
  EXPECT_EQ(frames[0].stream_id, 5u);
  EXPECT_EQ(std::get<protocol::SubscribeAck>(frames[0].body),
            (protocol::SubscribeAck{1, FilledSchema(0x11)}));
  EXPECT_EQ(Subscribe(a, 7, "audit"), 2u);
  EXPECT_EQ(Subscribe(b, 1, "orders"), 1u);  // ids are per connection
  EXPECT_EQ(SubscriptionsGauge(), 3);
}

TEST_F(DeliveryTest, SubscribeRefusals) {
  options_.max_subscriptions_per_connection = 2;
  Start();
  Client a = Connect();
  a.Send(SubscribeFrame(1, "nope"));
  a.Send(SubscribeFrame(3, "orders", 10, {FilledSchema(0x99), FilledSchema(0x22)}));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 2u);
  ExpectError<protocol::SubscribeError>(frames[0], FrameType::kSubscribeError, 1,
                                        ReasonCode::kUnknownChannel, "'nope' is not configured");
  ExpectError<protocol::SubscribeError>(frames[1], FrameType::kSubscribeError, 3,
                                        ReasonCode::kSchemaIncompatible,
                                        std::string(64, '1').substr(0, 64));
  // accepted_schemas containing the channel's id is fine.
  a.Send(SubscribeFrame(3, "orders", 10, {FilledSchema(0x99), FilledSchema(0x11)}));
  Run();
  ASSERT_EQ(TypeOf(a.Take().at(0)), FrameType::kSubscribeAck);
  // A subscription with ACKS has its stream to itself.
  a.Send(SubscribeFrame(3, "audit"));
  Run();
  ExpectError<protocol::SubscribeError>(a.Take().at(0), FrameType::kSubscribeError, 3,
                                        ReasonCode::kInvalidStream, "acknowledges deliveries");
  EXPECT_EQ(Subscribe(a, 5, "audit"), 2u);
  a.Send(SubscribeFrame(9, "audit"));
  Run();
  ExpectError<protocol::SubscribeError>(a.Take().at(0), FrameType::kSubscribeError, 9,
                                        ReasonCode::kLimit, "max_subscriptions_per_connection");
  EXPECT_EQ(SubscriptionsGauge(), 2);
}

TEST_F(DeliveryTest, OneSubscriberGetsEveryMessageInOrderFromSeqOne) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 11, "orders");
  PublishMany(publisher, "orders", 3);
  std::vector<Frame> frames = subscriber.Take();
  ASSERT_EQ(frames.size(), 3u);
  for (const Frame& frame : frames) EXPECT_EQ(frame.stream_id, 11u);
  EXPECT_EQ(Seqs(frames), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(Payloads(frames), (std::vector<std::string>{"m1", "m2", "m3"}));
  EXPECT_EQ(metrics_.deliveries_total.Value(), 3u);
}

TEST_F(DeliveryTest, EverySubscriberGetsItsOwnSequence) {
  Start();
  Client publisher = Connect();
  Client early = Connect("10.0.0.2:4000");
  Client late = Connect("10.0.0.3:4000");
  Subscribe(early, 1, "orders");
  Subscribe(early, 3, "audit");
  PublishMany(publisher, "orders", 2);
  Subscribe(late, 1, "orders");
  PublishMany(publisher, "orders", 2, 3);
  std::vector<Frame> early_frames = early.Take();
  EXPECT_EQ(Seqs(early_frames), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(Payloads(early_frames), (std::vector<std::string>{"m1", "m2", "m3", "m4"}));
  std::vector<Frame> late_frames = late.Take();
  EXPECT_EQ(Seqs(late_frames), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(Payloads(late_frames), (std::vector<std::string>{"m3", "m4"}));
  // The publisher's own subscription on the same connection works too.
  Subscribe(publisher, 7, "audit");
  publisher.Send(PublishFrame(1, "audit", "self"));
  Run();
  std::vector<Frame> own = publisher.Take();
  ASSERT_EQ(own.size(), 2u);
  ExpectPublishAck(own[0], 1, 1, true);
  EXPECT_EQ(Payloads(own), (std::vector<std::string>{"self"}));
  EXPECT_EQ(Payloads(early.Take()), (std::vector<std::string>{"self"}));
}

TEST_F(DeliveryTest, CreditLimitsOutstandingAndAcceptIsCumulative) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders", /*max_in_flight=*/2);
  PublishMany(publisher, "orders", 6);
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{1, 2}));
  subscriber.Send(AcceptFrame(3, "1"));
  Run();
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{3}));
  subscriber.Send(AcceptFrame(3, "3"));  // covers 2 and 3
  Run();
  std::vector<Frame> frames = subscriber.Take();
  EXPECT_EQ(Seqs(frames), (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(Payloads(frames), (std::vector<std::string>{"m4", "m5"}));
  // Re-acknowledging is harmless and frees nothing.
  subscriber.Send(AcceptFrame(3, "3"));
  Run();
  EXPECT_TRUE(subscriber.Take().empty());
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kAccept).Value(), 3u);
}

TEST_F(DeliveryTest, MalformedOrUnknownReferencesAreIgnored) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders", /*max_in_flight=*/1);
  PublishMany(publisher, "orders", 3);
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{1}));
  for (const char* bad : {"", "abc", "0", "+1", " 1", "1 ", "2", "99", "18446744073709551616"}) {
    subscriber.Send(AcceptFrame(3, bad));
    subscriber.Send(RejectFrame(3, bad));
    subscriber.Send(DeferFrame(3, bad));
  }
  subscriber.Send(AcceptFrame(5, "1"));  // no subscription on stream 5
  Run();
  EXPECT_TRUE(subscriber.Take().empty());
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kAccept).Value(), 0u);
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kReject).Value(), 0u);
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kDefer).Value(), 0u);
  subscriber.Send(AcceptFrame(3, "1"));
  Run();
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{2}));
}

TEST_F(DeliveryTest, RejectDropsAndDeferRedeliversUnderANewSeq) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders", /*max_in_flight=*/2);
  PublishMany(publisher, "orders", 4);
  EXPECT_EQ(Payloads(subscriber.Take()), (std::vector<std::string>{"m1", "m2"}));
  subscriber.Send(RejectFrame(3, "1"));
  Run();
  std::vector<Frame> frames = subscriber.Take();
  EXPECT_EQ(Seqs(frames), (std::vector<uint64_t>{3}));
  EXPECT_EQ(Payloads(frames), (std::vector<std::string>{"m3"}));
  subscriber.Send(DeferFrame(3, "2"));
  Run();
  frames = subscriber.Take();
  EXPECT_EQ(Seqs(frames), (std::vector<uint64_t>{4}));
  EXPECT_EQ(Payloads(frames), (std::vector<std::string>{"m2"}));  // redelivered first
  // The old seq is gone: deferring or rejecting it again does nothing.
  subscriber.Send(DeferFrame(3, "2"));
  subscriber.Send(RejectFrame(3, "1"));
  Run();
  EXPECT_TRUE(subscriber.Take().empty());
  subscriber.Send(AcceptFrame(3, "4"));
  Run();
  frames = subscriber.Take();
  EXPECT_EQ(Seqs(frames), (std::vector<uint64_t>{5}));
  EXPECT_EQ(Payloads(frames), (std::vector<std::string>{"m4"}));
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kReject).Value(), 1u);
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kDefer).Value(), 1u);
  EXPECT_EQ(metrics_.Acks(metrics::AckKind::kAccept).Value(), 1u);
}

TEST_F(DeliveryTest, SlowConsumerIsShedWithoutAffectingOthers) {
  options_.max_subscription_inbox_depth = 3;
  Start();
  Client publisher = Connect();
  Client slow = Connect("10.0.0.2:4000");
  Client fast = Connect("10.0.0.3:4000");
  Subscribe(slow, 5, "orders", /*max_in_flight=*/1);
  Subscribe(slow, 7, "audit", /*max_in_flight=*/1);
  Subscribe(fast, 1, "orders", /*max_in_flight=*/1000);
  // slow: 1 in flight + 3 pending fit; the 5th overflows its queue.
  for (int i = 1; i <= 6; ++i) {
    ExpectPublishAck(Publish(publisher, 1, "orders", "m" + std::to_string(i)), 1, i, true);
  }
  std::vector<Frame> frames = slow.Take();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(Seqs(frames), (std::vector<uint64_t>{1}));
  ExpectError<protocol::SubscribeError>(frames[1], FrameType::kSubscribeError, 5,
                                        ReasonCode::kSlowConsumer, "max_subscription_inbox_depth");
  EXPECT_EQ(Seqs(fast.Take()), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Shed(), 1u);
  EXPECT_EQ(SubscriptionsGauge(), 2);
  // The shed subscription is gone; the connection and its other subscription are not.
  slow.Send(AcceptFrame(5, "1"));
  Run();
  EXPECT_TRUE(slow.Take().empty());
  ExpectPublishAck(Publish(publisher, 1, "audit", "a1"), 1, 1, true);
  EXPECT_EQ(Payloads(slow.Take()), (std::vector<std::string>{"a1"}));
  // The stream is free again for a new subscription.
  EXPECT_EQ(Subscribe(slow, 5, "orders"), 3u);
  EXPECT_EQ(SubscriptionsGauge(), 3);
}

TEST_F(DeliveryTest, SheddingOfASubscriptionOnThePublishersOwnConnection) {
  options_.max_subscription_inbox_depth = 1;
  Start();
  Client a = Connect();
  Subscribe(a, 3, "orders", /*max_in_flight=*/1);
  a.Send(PublishFrame(1, "orders", "m1"));  // delivered at once (the only credit)
  a.Send(PublishFrame(1, "orders", "m2"));  // waits in the queue (limit 1)
  a.Send(PublishFrame(1, "orders", "m3"));  // overflows it: the subscription is shed
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 5u);
  ExpectPublishAck(frames[0], 1, 1, true);
  EXPECT_EQ(Seqs({frames[1]}), (std::vector<uint64_t>{1}));
  ExpectPublishAck(frames[2], 1, 2, true);
  ExpectPublishAck(frames[3], 1, 3, false);  // the publish itself still succeeds
  ExpectError<protocol::SubscribeError>(frames[4], FrameType::kSubscribeError, 3,
                                        ReasonCode::kSlowConsumer, "shed");
  EXPECT_EQ(Shed(), 1u);
  EXPECT_EQ(SubscriptionsGauge(), 0);
  EXPECT_FALSE(services_->channels().Find("orders")->subscription_count());
}

TEST_F(DeliveryTest, UnsubscribeReleasesKnownIdsAndIgnoresUnknownOnes) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  const uint64_t id = Subscribe(subscriber, 3, "orders");
  subscriber.Send(UnsubscribeFrame(3, 42));
  Run();
  EXPECT_TRUE(subscriber.Take().empty());
  EXPECT_EQ(SubscriptionsGauge(), 1);
  subscriber.Send(UnsubscribeFrame(9, id));  // any stream: the id names it
  Run();
  EXPECT_TRUE(subscriber.Take().empty());
  EXPECT_EQ(SubscriptionsGauge(), 0);
  EXPECT_EQ(services_->channels().Find("orders")->subscription_count(), 0u);
  ExpectPublishAck(Publish(publisher, 1, "orders", "x"), 1, 1, false);
  EXPECT_TRUE(subscriber.Take().empty());
  subscriber.Send(UnsubscribeFrame(3, id));  // twice: unknown now, still silent
  Run();
  EXPECT_TRUE(subscriber.Take().empty());
  EXPECT_EQ(SubscriptionsGauge(), 0);
}

TEST_F(DeliveryTest, DeliveriesWaitForOutboundRoomAndResumeOnDrain) {
  SupervisorOptions supervisor_options;
  supervisor_options.connection.max_outbound_bytes = 2 << 20;
  Start(std::move(supervisor_options));
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders");
  subscriber.peer->Stall();
  const std::string big(500 << 10, 'x');
  for (int i = 0; i < 6; ++i) publisher.Send(PublishFrame(1, "orders", big));
  Run();
  EXPECT_EQ(publisher.Take().size(), 6u);
  EXPECT_TRUE(subscriber.Take().empty());
  // Deliveries stop once the outbound queue passes 2 MiB: five of the six are queued.
  EXPECT_EQ(subscriber.peer->ServerQueuedBytes() / big.size(), 5u);
  subscriber.peer->Unstall();
  Run();
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
}

TEST_F(DeliveryTest, ABatchLargerThanTheOutboundLimitStillDrains) {
  SupervisorOptions supervisor_options;
  supervisor_options.connection.max_outbound_bytes = 200;  // about three Deliver frames
  Start(std::move(supervisor_options));
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders");
  PublishMany(publisher, "orders", 20);
  std::vector<uint64_t> expected;
  for (uint64_t i = 1; i <= 20; ++i) expected.push_back(i);
  EXPECT_EQ(Seqs(subscriber.Take()), expected);
}

TEST_F(DeliveryTest, AnIdleSubscriberGetsOneWakePerBurst) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders");
  int wakes = 0;
  rt_.scheduler().set_send_filter([&](runtime::Pid pid, const runtime::Message& message) {
    if (pid == subscriber.pid() && std::holds_alternative<runtime::Wake>(message)) ++wakes;
    return true;
  });
  PublishMany(publisher, "orders", 50);  // one batch of frames: one publisher slice
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(Seqs(subscriber.Take()).size(), 50u);
  PublishMany(publisher, "orders", 10);
  EXPECT_EQ(wakes, 2);
}

TEST_F(DeliveryTest, TheWakeLeavesAtTheEndOfThePublishersSlice) {
  // A subscriber on another thread would otherwise start pumping after the burst's first
  // message and race the publisher message by message (one small write each).
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders");
  std::vector<uint64_t> acked_when_woken;
  rt_.scheduler().set_send_filter([&](runtime::Pid pid, const runtime::Message& message) {
    if (pid == subscriber.pid() && std::holds_alternative<runtime::Wake>(message)) {
      acked_when_woken.push_back(metrics_.Publishes(metrics::PublishOutcome::kAcked).Value());
    }
    return true;
  });
  PublishMany(publisher, "orders", 50);  // one batch of frames: one publisher slice
  EXPECT_EQ(acked_when_woken, std::vector<uint64_t>{50});
  EXPECT_EQ(Seqs(subscriber.Take()).size(), 50u);
}

TEST_F(DeliveryTest, APublisherThatDisconnectsInTheSameSliceStillWakesItsSubscribers) {
  // The slice ends in Close, not Pump: the release sends the wakes the publishes armed.
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders");
  std::string bytes;
  ASSERT_TRUE(protocol::EncodeFrame(PublishFrame(1, "orders", "last words"), bytes).ok());
  ASSERT_TRUE(protocol::EncodeFrame(protocol::MakeFrame(protocol::Disconnect{}), bytes).ok());
  publisher.peer->Write(std::move(bytes));
  Run();
  EXPECT_EQ(Payloads(subscriber.Take()), std::vector<std::string>{"last words"});
}

TEST_F(DeliveryTest, OneWakePerProcessHoweverManyOfItsSubscriptionsQueued) {
  options_.routes.push_back(Route("orders", "audit"));
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  Subscribe(subscriber, 3, "audit");  // gets the routed copy
  int wakes = 0;
  rt_.scheduler().set_send_filter([&](runtime::Pid pid, const runtime::Message& message) {
    if (pid == subscriber.pid() && std::holds_alternative<runtime::Wake>(message)) ++wakes;
    return true;
  });
  PublishMany(publisher, "orders", 1);
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(Payloads(subscriber.Take()), (std::vector<std::string>{"m1", "m1"}));
}

TEST_F(DeliveryTest, ASubscriberBlockedOnCreditIsNotWoken) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders", /*max_in_flight=*/1);
  int wakes = 0;
  rt_.scheduler().set_send_filter([&](runtime::Pid pid, const runtime::Message& message) {
    if (pid == subscriber.pid() && std::holds_alternative<runtime::Wake>(message)) ++wakes;
    return true;
  });
  for (int i = 1; i <= 5; ++i) PublishMany(publisher, "orders", 1, i);  // five slices
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{1}));
  subscriber.Send(AcceptFrame(3, "1"));
  Run();
  EXPECT_EQ(Seqs(subscriber.Take()), (std::vector<uint64_t>{2}));
}

TEST_F(DeliveryTest, AFailedWakeIsRetriedByTheNextPublish) {
  Start();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 3, "orders");
  bool fail = true;
  rt_.scheduler().set_send_filter([&](runtime::Pid pid, const runtime::Message& message) {
    return !(fail && pid == subscriber.pid() && std::holds_alternative<runtime::Wake>(message));
  });
  PublishMany(publisher, "orders", 1);
  EXPECT_TRUE(subscriber.Take().empty());
  EXPECT_EQ(services_->channels().Find("orders")->subscription_count(), 1u);
  fail = false;
  PublishMany(publisher, "orders", 1, 2);
  EXPECT_EQ(Payloads(subscriber.Take()), (std::vector<std::string>{"m1", "m2"}));
}

}  // namespace
}  // namespace liminal::server::services::testing
