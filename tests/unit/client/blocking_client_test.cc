// The blocking facade against a scripted fake server on loopback.
#include "client/blocking_client.h"

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/client_error.h"
#include "core/protocol/frame.h"
#include "core/protocol/reason_code.h"
#include "gtest/gtest.h"
#include "tests/unit/client/fake_server.h"

namespace liminal::client {
namespace {

using protocol::Frame;
using protocol::MakeFrame;
using protocol::ReasonCode;
using protocol::ToWire;
using test_support::AnswerHandshake;
using test_support::FakeServer;
using test_support::FakeSession;

constexpr absl::Duration kWait = absl::Seconds(10);

template <typename Body>
const Body* As(const Frame& frame) {
  return std::get_if<Body>(&frame.body);
}

std::unique_ptr<BlockingClient> ConnectOrDie(const FakeServer& server,
                                             ConnectionOptions options = {}) {
  absl::StatusOr<std::unique_ptr<BlockingClient>> client =
      BlockingClient::Connect("127.0.0.1", server.port(), options);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

// A server for most tests:
//   Publish "orders" → PublishAck(id 1000 + stream, DELIVERED); other channels →
//   PublishError E_UNKNOWN_CHANNEL.
//   Subscribe "orders" → SubscribeAck(5); others → SubscribeError E_UNKNOWN_CHANNEL.
//   Flagged ConversationMessage → reply "echo:<payload>"; payload "slow" → E_REPLY_TIMEOUT;
//   payload "hang" → nothing.
//   WorkerRegister → Accepted unless the identity is "intruder".
void Script(FakeSession& session, const Frame& frame) {
  if (AnswerHandshake(session, frame)) return;
  if (const auto* publish = As<protocol::Publish>(frame)) {
    if (publish->channel == "orders") {
      session.Send(MakeFrame(protocol::PublishAck{1000 + frame.stream_id}, frame.stream_id,
                             protocol::kFlagDelivered));
    } else {
      session.Send(MakeFrame(
          protocol::PublishError{
              0x0100, absl::StrCat("channel '", publish->channel, "' is not configured")},
          frame.stream_id));
    }
  } else if (const auto* subscribe = As<protocol::Subscribe>(frame)) {
    if (subscribe->channel == "orders") {
      session.Send(MakeFrame(protocol::SubscribeAck{5, {}}, frame.stream_id));
    } else {
      session.Send(MakeFrame(protocol::SubscribeError{0x0100, "not configured"}, frame.stream_id));
    }
  } else if (const auto* message = As<protocol::ConversationMessage>(frame)) {
    if ((frame.flags & protocol::kFlagReplyRequested) == 0) return;
    const std::string& payload = message->envelope.payload;
    if (payload == "hang") return;
    if (payload == "slow") {
      session.Send(MakeFrame(
          protocol::ConversationError{message->conversation_id, 0x0105, "participant too slow"},
          frame.stream_id));
      return;
    }
    protocol::ConversationMessage reply;
    reply.conversation_id = message->conversation_id;
    reply.envelope.payload = "echo:" + payload;
    session.Send(MakeFrame(std::move(reply), frame.stream_id, protocol::kFlagReplyRequested));
  } else if (const auto* reg = As<protocol::WorkerRegister>(frame)) {
    protocol::WorkerRegisterAck ack;
    if (reg->identity == "intruder") ack.rejection_reason = "unknown worker";
    session.Send(MakeFrame(std::move(ack)));
  }
}

Frame DeliverFrame(uint32_t stream_id, uint64_t seq, std::string payload) {
  protocol::Deliver deliver;
  deliver.delivery_seq = seq;
  deliver.envelope.payload = std::move(payload);
  return MakeFrame(std::move(deliver), stream_id);
}

TEST(BlockingClientTest, HandshakeVersionMismatchIsReportedWithTheServersText) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (As<protocol::Connect>(frame) == nullptr) return;
    session.Send(
        MakeFrame(protocol::ConnectError{0x0007, "no mutually supported protocol version"}));
    session.Close();
  });
  absl::StatusOr<std::unique_ptr<BlockingClient>> client =
      BlockingClient::Connect("127.0.0.1", server.port());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(client.status().message(),
            "VersionMismatch (0x0007): no mutually supported protocol version");
  EXPECT_EQ(GetReasonCode(client.status()), ToWire(ReasonCode::kVersionMismatch));
}

TEST(BlockingClientTest, PublishSendsTheEnvelopeAndReturnsTheAck) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  PublishOptions options;
  options.idempotency_key = "order-17";
  options.schema_id.fill(0x11);
  options.causal.parent_id = "m1";
  options.causal.vector_clock = 5;
  absl::StatusOr<PublishResult> ack = client->Publish("orders", R"({"id":17})", kWait, options);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(*ack, (PublishResult{1003, true}));

  std::optional<Frame> frame = session->NextFrameOf<protocol::Publish>(kWait);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->flags, protocol::kFlagIdempotencyKey);
  const auto& publish = std::get<protocol::Publish>(frame->body);
  EXPECT_EQ(publish.channel, "orders");
  EXPECT_EQ(publish.idempotency_key, "order-17");
  EXPECT_EQ(publish.envelope.payload, R"({"id":17})");
  EXPECT_EQ(publish.envelope.schema_id, options.schema_id);
  EXPECT_EQ(publish.envelope.causal, options.causal);
}

TEST(BlockingClientTest, PublishErrorCarriesReasonNameTextAndCode) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<PublishResult> ack = client->Publish("nowhere", "{}", kWait);
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ack.status().message(),
            "E_UNKNOWN_CHANNEL (0x0100): channel 'nowhere' is not configured");
  EXPECT_EQ(GetClientError(ack.status()),
            (ClientError{ErrorKind::kServer, ToWire(ReasonCode::kUnknownChannel)}));
}

TEST(BlockingClientTest, UnansweredPublishTimesOut) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (As<protocol::Connect>(frame) != nullptr) AnswerHandshake(session, frame);
  });
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<PublishResult> ack = client->Publish("orders", "{}", absl::Milliseconds(50));
  EXPECT_TRUE(IsClientTimeout(ack.status())) << ack.status();
  EXPECT_TRUE(client->status().ok()) << "a timeout does not end the connection";
}

TEST(BlockingClientTest, SubscriptionQueuesDeliveriesAndAcksAsTheyAreTaken) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  SubscribeOptions options;
  options.max_in_flight = 4;
  options.ack_delay = absl::InfiniteDuration();  // whole batches only: exact expectations
  absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub =
      client->Subscribe("orders", kWait, options);
  ASSERT_TRUE(sub.ok()) << sub.status();
  EXPECT_EQ((*sub)->id(), 5u);
  std::optional<Frame> subscribe = session->NextFrameOf<protocol::Subscribe>(kWait);
  ASSERT_TRUE(subscribe.has_value());
  uint32_t stream = subscribe->stream_id;

  for (uint64_t seq = 1; seq <= 4; ++seq) {
    session->Send(DeliverFrame(stream, seq, absl::StrCat("{\"seq\":", seq, "}")));
  }
  for (uint64_t seq = 1; seq <= 4; ++seq) {
    absl::StatusOr<Delivery> delivery = (*sub)->Next(kWait);
    ASSERT_TRUE(delivery.ok()) << delivery.status();
    EXPECT_EQ(delivery->seq, seq);
    EXPECT_EQ(delivery->payload, absl::StrCat("{\"seq\":", seq, "}"));
  }
  // Taking 2 of a 4-window completes a batch: Accept "2", then Accept "4".
  for (const char* expected : {"2", "4"}) {
    std::optional<Frame> accept = session->NextFrame(kWait);
    ASSERT_TRUE(accept.has_value() && As<protocol::Accept>(*accept) != nullptr);
    EXPECT_EQ(accept->stream_id, stream);
    EXPECT_EQ(As<protocol::Accept>(*accept)->referenced_message_id, expected);
  }

  absl::StatusOr<Delivery> nothing = (*sub)->Next(absl::Milliseconds(20));
  EXPECT_TRUE(IsClientTimeout(nothing.status())) << nothing.status();
}

TEST(BlockingClientTest, NextBatchTakesQueuedDeliveriesInOrderAndAcksThemTogether) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  SubscribeOptions options;
  options.max_in_flight = 8;
  options.ack_delay = absl::InfiniteDuration();  // whole batches only: exact expectations
  absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub =
      client->Subscribe("orders", kWait, options);
  ASSERT_TRUE(sub.ok()) << sub.status();
  std::optional<Frame> subscribe = session->NextFrameOf<protocol::Subscribe>(kWait);
  ASSERT_TRUE(subscribe.has_value());
  for (uint64_t seq = 1; seq <= 4; ++seq) {
    session->Send(DeliverFrame(subscribe->stream_id, seq, absl::StrCat("m", seq)));
  }
  std::vector<std::string> payloads;
  while (payloads.size() < 4) {
    absl::StatusOr<std::vector<Delivery>> batch = (*sub)->NextBatch(3, kWait);
    ASSERT_TRUE(batch.ok()) << batch.status();
    ASSERT_THAT(*batch, ::testing::Not(::testing::IsEmpty()));
    ASSERT_LE(batch->size(), 3u);
    for (const Delivery& delivery : *batch) {
      EXPECT_EQ(delivery.seq, payloads.size() + 1);
      payloads.push_back(delivery.payload);
    }
  }
  EXPECT_THAT(payloads, ::testing::ElementsAre("m1", "m2", "m3", "m4"));
  // Half the window of 8 taken: one cumulative Accept "4" covers the four.
  std::optional<Frame> accept = session->NextFrameOf<protocol::Accept>(kWait);
  ASSERT_TRUE(accept.has_value());
  EXPECT_EQ(As<protocol::Accept>(*accept)->referenced_message_id, "4");
  absl::StatusOr<std::vector<Delivery>> nothing = (*sub)->NextBatch(3, absl::Milliseconds(20));
  EXPECT_TRUE(IsClientTimeout(nothing.status())) << nothing.status();
}

TEST(BlockingClientTest, ShedSubscriptionDrainsItsQueueThenReportsTheReason) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub = client->Subscribe("orders", kWait);
  ASSERT_TRUE(sub.ok()) << sub.status();
  std::optional<Frame> subscribe = session->NextFrameOf<protocol::Subscribe>(kWait);
  ASSERT_TRUE(subscribe.has_value());

  session->Send(DeliverFrame(subscribe->stream_id, 1, "a"));
  session->Send(DeliverFrame(subscribe->stream_id, 2, "b"));
  session->Send(MakeFrame(protocol::SubscribeError{0x0102, "pending queue overflowed"},
                          subscribe->stream_id));
  EXPECT_EQ((*sub)->Next(kWait).value_or(Delivery{}).payload, "a");
  EXPECT_EQ((*sub)->Next(kWait).value_or(Delivery{}).payload, "b");
  absl::StatusOr<Delivery> end = (*sub)->Next(kWait);
  EXPECT_EQ(end.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(end.status().message(), "E_SLOW_CONSUMER (0x0102): pending queue overflowed");
  // And it stays ended.
  EXPECT_EQ((*sub)->Next(kWait).status(), end.status());
}

TEST(BlockingClientTest, SubscribeToUnknownChannelFails) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub = client->Subscribe("nope", kWait);
  EXPECT_EQ(GetReasonCode(sub.status()), ToWire(ReasonCode::kUnknownChannel));
}

TEST(BlockingClientTest, UnsubscribeEndsNextAndSendsUnsubscribe) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub = client->Subscribe("orders", kWait);
  ASSERT_TRUE(sub.ok()) << sub.status();
  (*sub)->Unsubscribe();
  EXPECT_EQ((*sub)->Next(kWait).status().code(), absl::StatusCode::kCancelled);
  std::optional<Frame> unsubscribe = session->NextFrameOf<protocol::Unsubscribe>(kWait);
  ASSERT_TRUE(unsubscribe.has_value());
  EXPECT_EQ(As<protocol::Unsubscribe>(*unsubscribe)->subscription_id, 5u);
}

TEST(BlockingClientTest, RequestOpensAsksAndCloses) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  absl::StatusOr<std::string> reply = client->Request("echo", "hello", kWait);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(*reply, "echo:hello");

  std::optional<Frame> open = session->NextFrame(kWait);  // after Connect
  open = session->NextFrame(kWait);
  ASSERT_TRUE(open.has_value() && As<protocol::ConversationOpen>(*open) != nullptr);
  uint64_t id = As<protocol::ConversationOpen>(*open)->conversation_id;
  EXPECT_EQ(As<protocol::ConversationOpen>(*open)->subject, "echo");
  std::optional<Frame> message = session->NextFrame(kWait);
  ASSERT_TRUE(message.has_value() && As<protocol::ConversationMessage>(*message) != nullptr);
  EXPECT_EQ(As<protocol::ConversationMessage>(*message)->conversation_id, id);
  std::optional<Frame> close = session->NextFrame(kWait);
  ASSERT_TRUE(close.has_value() && As<protocol::ConversationClose>(*close) != nullptr);
  EXPECT_EQ(As<protocol::ConversationClose>(*close)->conversation_id, id);
}

TEST(BlockingClientTest, RequestErrorsFromServerAndClientTimeout) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<std::unique_ptr<BlockingConversation>> conversation =
      client->OpenConversation("worker");
  ASSERT_TRUE(conversation.ok());

  absl::StatusOr<std::string> slow = (*conversation)->Request("slow", kWait);
  EXPECT_EQ(GetReasonCode(slow.status()), ToWire(ReasonCode::kReplyTimeout)) << slow.status();
  EXPECT_TRUE(absl::StrContains(slow.status().message(), "E_REPLY_TIMEOUT"));

  absl::StatusOr<std::string> hang = (*conversation)->Request("hang", absl::Milliseconds(50));
  EXPECT_TRUE(IsClientTimeout(hang.status())) << hang.status();

  EXPECT_TRUE((*conversation)->Send("fyi", kWait).ok());
}

TEST(BlockingClientTest, ServePushesAnswersQueuedAndLivePushes) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  // The first push arrives before anyone serves pushes; it is queued, not lost.
  session->Send(MakeFrame(protocol::Push{1, "first"}, 1));
  ASSERT_TRUE(client->Ping(kWait).ok());  // the push was read before the Pong
  session->Send(MakeFrame(protocol::Push{2, "second"}, 1));

  std::vector<uint64_t> seen;
  absl::StatusOr<size_t> served = client->ServePushes(
      [&seen](uint64_t correlation_id, std::string_view payload) {
        seen.push_back(correlation_id);
        return "done:" + std::string(payload);
      },
      /*max_pushes=*/2, kWait);
  ASSERT_TRUE(served.ok()) << served.status();
  EXPECT_EQ(*served, 2u);
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2}));
  for (const auto& [id, payload] : {std::pair<uint64_t, std::string>{1, "done:first"},
                                    std::pair<uint64_t, std::string>{2, "done:second"}}) {
    std::optional<Frame> reply = session->NextFrameOf<protocol::PushReply>(kWait);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->stream_id, 1u);
    EXPECT_EQ(*As<protocol::PushReply>(*reply), (protocol::PushReply{id, payload}));
  }

  // With nothing to serve, ServePushes returns after its timeout with zero answered.
  absl::StatusOr<size_t> idle = client->ServePushes(
      [](uint64_t, std::string_view) { return std::string(); }, 1, absl::Milliseconds(20));
  ASSERT_TRUE(idle.ok());
  EXPECT_EQ(*idle, 0u);
}

TEST(BlockingClientTest, RegisterWorkerAcceptedAndRejected) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  WorkerRegistration registration{.namespaces = {"default"},
                                  .task_queue = "q",
                                  .node = std::nullopt,
                                  .activity_types = {"a"},
                                  .identity = "w1"};
  absl::StatusOr<WorkerRegisterResult> accepted = client->RegisterWorker(registration, kWait);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_TRUE(accepted->accepted);
  registration.identity = "intruder";
  absl::StatusOr<WorkerRegisterResult> rejected = client->RegisterWorker(registration, kWait);
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_FALSE(rejected->accepted);
  EXPECT_EQ(rejected->rejection_reason, "unknown worker");
}

TEST(BlockingClientTest, PingMeasuresARoundTrip) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<absl::Duration> rtt = client->Ping(kWait);
  ASSERT_TRUE(rtt.ok()) << rtt.status();
  EXPECT_GE(*rtt, absl::ZeroDuration());
}

TEST(BlockingClientTest, ServerCloseFailsTheWaitingCallWithDisconnected) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (AnswerHandshake(session, frame)) return;
    if (As<protocol::Publish>(frame) != nullptr) session.Close();  // dies instead of acking
  });
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<PublishResult> ack = client->Publish("orders", "{}", kWait);
  EXPECT_TRUE(IsDisconnected(ack.status())) << ack.status();
  EXPECT_TRUE(IsDisconnected(client->status())) << client->status();
  // Later calls fail at once with the same kind of error.
  EXPECT_TRUE(IsDisconnected(client->Ping(kWait).status()));
  EXPECT_TRUE(IsDisconnected(
      client->ServePushes([](uint64_t, std::string_view) { return std::string(); }, 1, kWait)
          .status()));
}

TEST(BlockingClientTest, OversizeFrameEndsTheConnection) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (As<protocol::Connect>(frame) != nullptr) return (void)AnswerHandshake(session, frame);
    if (As<protocol::Ping>(frame) != nullptr) {
      // A Pong header announcing 64 KiB of payload: over the client's 4 KiB limit.
      session.SendRaw(std::string("\x14\x00\x00\x00\x00\x00\x00\x01\x00\x00", 10));
    }
  });
  ConnectionOptions options;
  options.max_frame_bytes = 4096;
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server, options);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<absl::Duration> rtt = client->Ping(kWait);
  EXPECT_TRUE(IsDisconnected(rtt.status())) << rtt.status();
  EXPECT_EQ(GetClientError(client->status()), (ClientError{ErrorKind::kProtocol, std::nullopt}))
      << client->status();
}

TEST(BlockingClientTest, CloseSendsDisconnectAndLaterCallsFail) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  client->Close();
  EXPECT_TRUE(session->NextFrameOf<protocol::Disconnect>(kWait).has_value());
  EXPECT_TRUE(session->WaitForClientClose(kWait));
  EXPECT_TRUE(IsDisconnected(client->Publish("orders", "{}", kWait).status()));
}

TEST(BlockingClientTest, SubscriptionsAndConversationsMayOutliveTheClient) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub = client->Subscribe("orders", kWait);
  ASSERT_TRUE(sub.ok()) << sub.status();
  absl::StatusOr<std::unique_ptr<BlockingConversation>> conversation =
      client->OpenConversation("echo");
  ASSERT_TRUE(conversation.ok());
  client.reset();
  EXPECT_TRUE(IsDisconnected((*sub)->Next(kWait).status()));
  EXPECT_TRUE(IsDisconnected((*conversation)->Request("x", kWait).status()));
  (*sub)->Ack(1);  // harmless after the end
  sub->reset();
  conversation->reset();
}

TEST(BlockingClientTest, ConcurrentCallersShareOneConnection) {
  FakeServer server(Script);
  std::unique_ptr<BlockingClient> client = ConnectOrDie(server);
  ASSERT_NE(client, nullptr);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<PublishResult> ack = client->Publish("orders", "{}", kWait);
        if (ack.ok() && ack->delivered) ++ok;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
}

}  // namespace
}  // namespace liminal::client
