// The asynchronous Connection against a scripted fake server on loopback.
#include "client/connection.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "client/client_error.h"
#include "client/io_thread.h"
#include "core/protocol/frame.h"
#include "core/protocol/reason_code.h"
#include "gtest/gtest.h"
#include "tests/unit/client/fake_server.h"
#include "tests/unit/client/future_callback.h"

namespace liminal::client {
namespace {

using protocol::Frame;
using protocol::MakeFrame;
using protocol::ReasonCode;
using protocol::ToWire;
using test_support::AnswerHandshake;
using test_support::AwaitFor;
using test_support::FakeServer;
using test_support::FakeSession;
using test_support::FutureCallback;

// Generous: only reached when something is broken.
constexpr absl::Duration kWait = absl::Seconds(10);

template <typename Body>
bool Is(const Frame& frame) {
  return std::holds_alternative<Body>(frame.body);
}

Frame DeliverFrame(uint32_t stream_id, uint64_t seq, std::string payload) {
  protocol::Deliver deliver;
  deliver.delivery_seq = seq;
  deliver.envelope.payload = std::move(payload);
  return MakeFrame(std::move(deliver), stream_id);
}

Frame ReplyFrame(uint32_t stream_id, uint64_t conversation_id, std::string payload) {
  protocol::ConversationMessage reply;
  reply.conversation_id = conversation_id;
  reply.envelope.payload = std::move(payload);
  return MakeFrame(std::move(reply), stream_id, protocol::kFlagReplyRequested);
}

// Answers the handshake and nothing else: every request stays pending.
void HandshakeOnly(FakeSession& session, const Frame& frame) {
  if (Is<protocol::Connect>(frame)) AnswerHandshake(session, frame);
}

// Deliveries recorded by a subscription's handler, waitable. The handlers share the log's
// state, so they stay valid if the connection ends after the log is gone.
class DeliveryLog {
 public:
  SubscriptionHandlers Handlers() {
    return {.on_delivery =
                [state = state_](const Subscription&, Delivery delivery) {
                  absl::MutexLock lock(&state->mu);
                  state->deliveries.push_back(std::move(delivery));
                },
            .on_end =
                [state = state_](absl::Status why) {
                  absl::MutexLock lock(&state->mu);
                  state->ends.push_back(std::move(why));
                }};
  }

  // The deliveries once there are at least `n`, or what arrived within kWait.
  std::vector<Delivery> WaitFor(size_t n) {
    State& state = *state_;
    absl::MutexLock lock(&state.mu);
    auto enough = [&state, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
      return state.deliveries.size() >= n;
    };
    state.mu.AwaitWithTimeout(absl::Condition(&enough), kWait);
    return state.deliveries;
  }

  std::vector<absl::Status> WaitForEnd() {
    State& state = *state_;
    absl::MutexLock lock(&state.mu);
    auto ended = [&state]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) { return !state.ends.empty(); };
    state.mu.AwaitWithTimeout(absl::Condition(&ended), kWait);
    return state.ends;
  }

 private:
  struct State {
    absl::Mutex mu;
    std::vector<Delivery> deliveries ABSL_GUARDED_BY(mu);
    std::vector<absl::Status> ends ABSL_GUARDED_BY(mu);
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

class ConnectionTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<Connection>> TryConnect(uint16_t port,
                                                         ConnectionOptions options = {},
                                                         ConnectionHandlers handlers = {}) {
    auto [done, result] = FutureCallback<absl::StatusOr<std::unique_ptr<Connection>>>();
    Connection::Connect(io_.executor(), "127.0.0.1", port, std::move(options), std::move(handlers),
                        std::move(done));
    std::optional<absl::StatusOr<std::unique_ptr<Connection>>> connection = AwaitFor(result, kWait);
    if (!connection.has_value()) return absl::InternalError("Connect never completed");
    return std::move(*connection);
  }

  std::unique_ptr<Connection> Connect(FakeServer& server, ConnectionOptions options = {},
                                      ConnectionHandlers handlers = {}) {
    absl::StatusOr<std::unique_ptr<Connection>> connection =
        TryConnect(server.port(), std::move(options), std::move(handlers));
    EXPECT_TRUE(connection.ok()) << connection.status();
    return connection.ok() ? *std::move(connection) : nullptr;
  }

  // Returns once every handler queued on the I/O thread so far has run.
  void DrainIo() {
    std::promise<void> drained;
    boost::asio::post(io_.executor(), [&drained] { drained.set_value(); });
    drained.get_future().wait();
  }

  Subscription SubscribeOrDie(Connection& connection, const std::string& channel,
                              SubscribeOptions options, SubscriptionHandlers handlers) {
    auto [done, result] = FutureCallback<absl::StatusOr<Subscription>>();
    connection.Subscribe(channel, std::move(options), std::move(handlers), std::move(done));
    std::optional<absl::StatusOr<Subscription>> sub = AwaitFor(result, kWait);
    EXPECT_TRUE(sub.has_value() && sub->ok());
    return sub.has_value() && sub->ok() ? **sub : Subscription();
  }

  IoThread io_;
};

// Answers Subscribe with SubscribeAck(id 77, schema 0xAB×32) on the request's stream.
void AckSubscriptions(FakeSession& session, const Frame& frame) {
  if (AnswerHandshake(session, frame)) return;
  if (Is<protocol::Subscribe>(frame)) {
    protocol::SchemaId schema;
    schema.fill(0xAB);
    session.Send(MakeFrame(protocol::SubscribeAck{77, schema}, frame.stream_id));
  }
}

// --- Handshake ---------------------------------------------------------------------------

TEST_F(ConnectionTest, HandshakeSendsConnectWithVersionAndToken) {
  FakeServer server;
  ConnectionOptions options;
  options.auth_token = "s3cret";
  std::unique_ptr<Connection> connection = Connect(server, options);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  std::optional<Frame> connect = session->NextFrame(kWait);
  ASSERT_TRUE(connect.has_value());
  ASSERT_TRUE(Is<protocol::Connect>(*connect));
  EXPECT_EQ(connect->stream_id, 0u);
  const auto& body = std::get<protocol::Connect>(connect->body);
  EXPECT_EQ(body.min_version, (protocol::Version{1, 0}));
  EXPECT_EQ(body.max_version, (protocol::Version{1, 0}));
  EXPECT_EQ(body.auth_token, "s3cret");
  EXPECT_FALSE(connection->draining());
}

TEST_F(ConnectionTest, ConnectErrorFailsConnectWithTheReasonCode) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (!Is<protocol::Connect>(frame)) return;
    session.Send(MakeFrame(protocol::ConnectError{0x0006, "authentication failed"}));
    session.Close();
  });
  std::atomic<int> closed_calls{0};
  ConnectionHandlers handlers;
  handlers.on_closed = [&closed_calls](absl::Status) { ++closed_calls; };
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      TryConnect(server.port(), {}, std::move(handlers));
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(connection.status().message(), "AuthenticationFailure (0x0006): authentication failed");
  EXPECT_EQ(GetClientError(connection.status()),
            (ClientError{ErrorKind::kServer, uint16_t{0x0006}}));
  DrainIo();
  EXPECT_EQ(closed_calls.load(), 0) << "on_closed is for established connections only";
}

TEST_F(ConnectionTest, SilentServerHitsTheConnectTimeout) {
  FakeServer server([](FakeSession&, const Frame&) {});
  ConnectionOptions options;
  options.connect_timeout = absl::Milliseconds(100);
  absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<Connection>> connection = TryConnect(server.port(), options);
  ASSERT_FALSE(connection.ok());
  EXPECT_TRUE(IsClientTimeout(connection.status())) << connection.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
}

TEST_F(ConnectionTest, RefusedConnectionIsDisconnected) {
  uint16_t port;
  {
    // Take a free port, then release it so nothing listens there.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  absl::StatusOr<std::unique_ptr<Connection>> connection = TryConnect(port);
  ASSERT_FALSE(connection.ok());
  EXPECT_TRUE(IsDisconnected(connection.status())) << connection.status();
  EXPECT_TRUE(absl::StrContains(connection.status().message(), "cannot connect"));
}

// --- Publish and stream routing ------------------------------------------------------------

TEST_F(ConnectionTest, ResponsesRouteByStreamEvenOutOfOrder) {
  FakeServer server(HandshakeOnly);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  std::vector<std::future<absl::StatusOr<PublishResult>>> results;
  for (int i = 0; i < 3; ++i) {
    auto [done, result] = FutureCallback<absl::StatusOr<PublishResult>>();
    connection->Publish("orders", absl::StrCat("{\"n\":", i, "}"), {}, std::move(done));
    results.push_back(std::move(result));
  }
  std::vector<Frame> publishes;
  for (int i = 0; i < 3; ++i) {
    std::optional<Frame> publish = session->NextFrameOf<protocol::Publish>(kWait);
    ASSERT_TRUE(publish.has_value());
    publishes.push_back(*publish);
  }
  // One fresh odd stream per request, starting at 3 (stream 1 is the server's push stream).
  EXPECT_EQ(publishes[0].stream_id, 3u);
  EXPECT_EQ(publishes[1].stream_id, 5u);
  EXPECT_EQ(publishes[2].stream_id, 7u);
  EXPECT_EQ(std::get<protocol::Publish>(publishes[1].body).envelope.payload, "{\"n\":1}");

  // Answer in reverse order; each ack must reach the publish of its stream.
  session->Send(MakeFrame(protocol::PublishAck{70}, 7));
  session->Send(MakeFrame(protocol::PublishError{0x0100, "no such channel"}, 5));
  session->Send(MakeFrame(protocol::PublishAck{30}, 3, protocol::kFlagDelivered));

  std::optional<absl::StatusOr<PublishResult>> first = AwaitFor(results[0], kWait);
  std::optional<absl::StatusOr<PublishResult>> second = AwaitFor(results[1], kWait);
  std::optional<absl::StatusOr<PublishResult>> third = AwaitFor(results[2], kWait);
  ASSERT_TRUE(first.has_value() && second.has_value() && third.has_value());
  EXPECT_EQ(**first, (PublishResult{30, true}));
  EXPECT_EQ(GetReasonCode(second->status()), 0x0100);
  EXPECT_EQ(**third, (PublishResult{70, false}));
}

TEST_F(ConnectionTest, PublishesFromTheConnectionsExecutorKeepCallOrder) {
  FakeServer server(HandshakeOnly);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  // On the connection's strand, Publish() encodes at once, but only when no call from
  // elsewhere is still queued: "b" (another thread, queued while the handler runs) must
  // leave before "c" (the handler's own, made after "b" returned).
  auto [done_b, result_b] = FutureCallback<absl::StatusOr<PublishResult>>();
  auto [done_c, result_c] = FutureCallback<absl::StatusOr<PublishResult>>();
  boost::asio::post(connection->executor(), [&connection, done_b = std::move(done_b),
                                             done_c = std::move(done_c)]() mutable {
    std::thread other([&] { connection->Publish("orders", "b", {}, std::move(done_b)); });
    other.join();
    connection->Publish("orders", "c", {}, std::move(done_c));
  });
  std::vector<std::string> payloads;
  for (int i = 0; i < 2; ++i) {
    std::optional<Frame> publish = session->NextFrameOf<protocol::Publish>(kWait);
    ASSERT_TRUE(publish.has_value());
    payloads.push_back(std::get<protocol::Publish>(publish->body).envelope.payload);
    session->Send(
        MakeFrame(protocol::PublishAck{static_cast<uint64_t>(i + 1)}, publish->stream_id));
  }
  EXPECT_EQ(payloads, (std::vector<std::string>{"b", "c"}));
  std::optional<absl::StatusOr<PublishResult>> c = AwaitFor(result_c, kWait);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(**c, (PublishResult{2, false}));
}

TEST_F(ConnectionTest, FullOutboundQueueRefusesNewOperations) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (AnswerHandshake(session, frame)) return;
    if (Is<protocol::Publish>(frame)) {
      session.Send(MakeFrame(protocol::PublishAck{1}, frame.stream_id));
    }
  });
  ConnectionOptions options;
  options.max_outbound_bytes = 0;  // refuse anything that has to queue behind a write
  std::unique_ptr<Connection> connection = Connect(server, options);
  ASSERT_NE(connection, nullptr);

  // Issued from one strand callback, the three publishes run back to back: the first is
  // written at once, the second queues behind it, the third finds the queue over the limit.
  std::vector<std::future<absl::StatusOr<PublishResult>>> results;
  std::vector<Connection::PublishCallback> callbacks;
  for (int i = 0; i < 3; ++i) {
    auto [done, result] = FutureCallback<absl::StatusOr<PublishResult>>();
    callbacks.push_back(std::move(done));
    results.push_back(std::move(result));
  }
  auto [ping_done, ping] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Ping([conn = connection.get(), callbacks = std::move(callbacks),
                    ping_done = std::move(ping_done)](absl::StatusOr<absl::Duration> rtt) mutable {
    for (Connection::PublishCallback& done : callbacks) {
      conn->Publish("orders", "{}", {}, std::move(done));
    }
    ping_done(std::move(rtt));
  });
  ASSERT_TRUE(AwaitFor(ping, kWait).has_value());
  std::optional<absl::StatusOr<PublishResult>> first = AwaitFor(results[0], kWait);
  std::optional<absl::StatusOr<PublishResult>> second = AwaitFor(results[1], kWait);
  std::optional<absl::StatusOr<PublishResult>> third = AwaitFor(results[2], kWait);
  ASSERT_TRUE(first.has_value() && second.has_value() && third.has_value());
  EXPECT_TRUE(first->ok()) << first->status();
  EXPECT_TRUE(second->ok()) << second->status();
  EXPECT_EQ(third->status().code(), absl::StatusCode::kResourceExhausted) << third->status();
}

TEST_F(ConnectionTest, UnencodableRequestFailsWithoutSendingAnything) {
  FakeServer server;
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  auto [done, result] = FutureCallback<absl::StatusOr<PublishResult>>();
  connection->Publish(std::string("bad\xFF"), "{}", {}, std::move(done));  // invalid UTF-8
  std::optional<absl::StatusOr<PublishResult>> ack = AwaitFor(result, kWait);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->status().code(), absl::StatusCode::kInvalidArgument) << ack->status();
  // The connection is unharmed: the next frame the server sees is this ping.
  auto [ping_done, ping] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Ping(std::move(ping_done));
  ASSERT_TRUE(session->NextFrame(kWait).has_value());  // Connect
  std::optional<Frame> next = session->NextFrame(kWait);
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(Is<protocol::Ping>(*next));
}

// --- Subscriptions -------------------------------------------------------------------------

TEST_F(ConnectionTest, DeliveriesArriveInOrderAndAutoAckInHalfWindowBatches) {
  FakeServer server(AckSubscriptions);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  DeliveryLog log;
  SubscribeOptions options;
  options.max_in_flight = 4;                     // batch of 2
  options.ack_delay = absl::InfiniteDuration();  // only full batches, so the test is exact
  Subscription sub = SubscribeOrDie(*connection, "orders", options, log.Handlers());
  EXPECT_EQ(sub.id(), 77u);
  EXPECT_EQ(sub.schema_id()[0], 0xAB);

  std::optional<Frame> subscribe = session->NextFrameOf<protocol::Subscribe>(kWait);
  ASSERT_TRUE(subscribe.has_value());
  EXPECT_EQ(subscribe->stream_id, sub.stream_id());
  EXPECT_EQ(std::get<protocol::Subscribe>(subscribe->body).max_in_flight, 4u);

  for (uint64_t seq = 1; seq <= 4; ++seq) {
    session->Send(DeliverFrame(sub.stream_id(), seq, absl::StrCat("m", seq)));
  }
  std::vector<Delivery> deliveries = log.WaitFor(4);
  ASSERT_EQ(deliveries.size(), 4u);
  for (uint64_t seq = 1; seq <= 4; ++seq) {
    EXPECT_EQ(deliveries[seq - 1].seq, seq);
    EXPECT_EQ(deliveries[seq - 1].payload, absl::StrCat("m", seq));
  }
  // Cumulative Accepts on the subscription's stream, one per half window.
  for (const char* expected : {"2", "4"}) {
    std::optional<Frame> accept = session->NextFrame(kWait);
    ASSERT_TRUE(accept.has_value() && Is<protocol::Accept>(*accept));
    EXPECT_EQ(accept->stream_id, sub.stream_id());
    EXPECT_EQ(std::get<protocol::Accept>(accept->body).referenced_message_id, expected);
  }

  // A fifth delivery stays unacknowledged (half a batch) until Unsubscribe flushes it.
  session->Send(DeliverFrame(sub.stream_id(), 5, "m5"));
  ASSERT_EQ(log.WaitFor(5).size(), 5u);
  sub.Unsubscribe();
  std::optional<Frame> accept = session->NextFrame(kWait);
  ASSERT_TRUE(accept.has_value() && Is<protocol::Accept>(*accept));
  EXPECT_EQ(std::get<protocol::Accept>(accept->body).referenced_message_id, "5");
  std::optional<Frame> unsubscribe = session->NextFrame(kWait);
  ASSERT_TRUE(unsubscribe.has_value() && Is<protocol::Unsubscribe>(*unsubscribe));
  EXPECT_EQ(std::get<protocol::Unsubscribe>(unsubscribe->body).subscription_id, 77u);
  EXPECT_EQ(unsubscribe->stream_id, sub.stream_id());
  std::vector<absl::Status> ends = log.WaitForEnd();
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_TRUE(ends[0].ok()) << ends[0];
}

TEST_F(ConnectionTest, AckDelayFlushesAPartialBatch) {
  FakeServer server(AckSubscriptions);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  DeliveryLog log;
  SubscribeOptions options;
  options.max_in_flight = 64;
  options.ack_delay = absl::Milliseconds(1);
  Subscription sub = SubscribeOrDie(*connection, "orders", options, log.Handlers());
  session->Send(DeliverFrame(sub.stream_id(), 1, "only"));
  std::optional<Frame> accept = session->NextFrameOf<protocol::Accept>(kWait);
  ASSERT_TRUE(accept.has_value());
  EXPECT_EQ(std::get<protocol::Accept>(accept->body).referenced_message_id, "1");
}

TEST_F(ConnectionTest, ManualAckRejectAndDefer) {
  FakeServer server(AckSubscriptions);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  DeliveryLog log;
  SubscribeOptions options;
  options.ack_mode = AckMode::kManual;
  options.ack_delay = absl::ZeroDuration();
  options.replay = true;
  options.accepted_schemas = {protocol::SchemaId{}};
  Subscription sub = SubscribeOrDie(*connection, "orders", options, log.Handlers());
  std::optional<Frame> subscribe = session->NextFrameOf<protocol::Subscribe>(kWait);
  ASSERT_TRUE(subscribe.has_value());
  // The client always acknowledges, so it asks for credit (ACKS) as well as the replay.
  EXPECT_EQ(subscribe->flags, protocol::kFlagAcks | protocol::kFlagReplay);
  EXPECT_EQ(std::get<protocol::Subscribe>(subscribe->body).accepted_schemas.size(), 1u);

  for (uint64_t seq = 1; seq <= 3; ++seq) session->Send(DeliverFrame(sub.stream_id(), seq, "x"));
  ASSERT_EQ(log.WaitFor(3).size(), 3u);
  sub.Ack(2);
  sub.Reject(3, "unparseable");
  sub.Defer(3);
  sub.Ack(10);  // beyond what was delivered: acknowledges 3 at most

  std::optional<Frame> frame = session->NextFrame(kWait);
  ASSERT_TRUE(frame.has_value() && Is<protocol::Accept>(*frame));
  EXPECT_EQ(std::get<protocol::Accept>(frame->body).referenced_message_id, "2");
  frame = session->NextFrame(kWait);
  ASSERT_TRUE(frame.has_value() && Is<protocol::Reject>(*frame));
  EXPECT_EQ(std::get<protocol::Reject>(frame->body),
            (protocol::Reject{"3", std::string("unparseable")}));
  frame = session->NextFrame(kWait);
  ASSERT_TRUE(frame.has_value() && Is<protocol::Defer>(*frame));
  EXPECT_EQ(std::get<protocol::Defer>(frame->body), (protocol::Defer{"3", std::nullopt}));
  frame = session->NextFrame(kWait);
  ASSERT_TRUE(frame.has_value() && Is<protocol::Accept>(*frame));
  EXPECT_EQ(std::get<protocol::Accept>(frame->body).referenced_message_id, "3");
}

TEST_F(ConnectionTest, SubscribeErrorFailsTheSubscribe) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (AnswerHandshake(session, frame)) return;
    if (Is<protocol::Subscribe>(frame)) {
      session.Send(
          MakeFrame(protocol::SubscribeError{0x0008, "schema incompatible"}, frame.stream_id));
    }
  });
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  auto [done, result] = FutureCallback<absl::StatusOr<Subscription>>();
  DeliveryLog log;
  connection->Subscribe("orders", {}, log.Handlers(), std::move(done));
  std::optional<absl::StatusOr<Subscription>> sub = AwaitFor(result, kWait);
  ASSERT_TRUE(sub.has_value());
  EXPECT_EQ(sub->status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetReasonCode(sub->status()), 0x0008);
}

TEST_F(ConnectionTest, SlowConsumerShedEndsTheSubscription) {
  FakeServer server(AckSubscriptions);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  DeliveryLog log;
  Subscription sub = SubscribeOrDie(*connection, "orders", {}, log.Handlers());
  session->Send(MakeFrame(protocol::SubscribeError{0x0102, "pending queue full"}, sub.stream_id()));
  std::vector<absl::Status> ends = log.WaitForEnd();
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetReasonCode(ends[0]), ToWire(ReasonCode::kSlowConsumer));
  EXPECT_TRUE(absl::StrContains(ends[0].message(), "E_SLOW_CONSUMER"));
}

// --- Conversations -------------------------------------------------------------------------

// Replies "re:<payload>" to flagged messages, except "timeout" and "crash", which get the
// corresponding ConversationError.
void ConversationScript(FakeSession& session, const Frame& frame) {
  if (AnswerHandshake(session, frame)) return;
  const auto* message = std::get_if<protocol::ConversationMessage>(&frame.body);
  if (message == nullptr || (frame.flags & protocol::kFlagReplyRequested) == 0) return;
  const std::string& payload = message->envelope.payload;
  if (payload == "timeout") {
    session.Send(MakeFrame(
        protocol::ConversationError{message->conversation_id, 0x0105, "no answer in time"},
        frame.stream_id));
  } else if (payload == "crash") {
    session.Send(MakeFrame(
        protocol::ConversationError{message->conversation_id, 0x0106, "participant crashed"},
        frame.stream_id));
  } else {
    session.Send(ReplyFrame(frame.stream_id, message->conversation_id, "re:" + payload));
  }
}

absl::StatusOr<std::string> RequestAndWait(const Conversation& conversation, std::string payload,
                                           absl::Duration timeout = kWait) {
  auto [done, result] = FutureCallback<absl::StatusOr<std::string>>();
  conversation.Request(std::move(payload), timeout, std::move(done));
  std::optional<absl::StatusOr<std::string>> reply = AwaitFor(result, kWait);
  if (!reply.has_value()) return absl::InternalError("request never completed");
  return *std::move(reply);
}

TEST_F(ConnectionTest, ConversationOpenRequestReplyAndSend) {
  FakeServer server(ConversationScript);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  absl::StatusOr<Conversation> conversation = connection->OpenConversation("echo");
  ASSERT_TRUE(conversation.ok());
  std::optional<Frame> open = session->NextFrameOf<protocol::ConversationOpen>(kWait);
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(std::get<protocol::ConversationOpen>(open->body),
            (protocol::ConversationOpen{conversation->id(), "echo"}));
  EXPECT_EQ(open->stream_id, conversation->id());

  EXPECT_EQ(RequestAndWait(*conversation, "hello").value_or("<error>"), "re:hello");
  std::optional<Frame> request = session->NextFrameOf<protocol::ConversationMessage>(kWait);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->flags, protocol::kFlagReplyRequested);
  EXPECT_EQ(std::get<protocol::ConversationMessage>(request->body).envelope.payload, "hello");

  auto [sent, sent_result] = FutureCallback<absl::Status>();
  conversation->Send("note", std::move(sent));
  std::optional<absl::Status> send_status = AwaitFor(sent_result, kWait);
  ASSERT_TRUE(send_status.has_value());
  EXPECT_TRUE(send_status->ok()) << *send_status;
  std::optional<Frame> note = session->NextFrameOf<protocol::ConversationMessage>(kWait);
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->flags, 0);
}

TEST_F(ConnectionTest, ConversationErrorsGoToTheRequestTheyAnswer) {
  FakeServer server(ConversationScript);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  absl::StatusOr<Conversation> conversation = connection->OpenConversation("flaky");
  ASSERT_TRUE(conversation.ok());

  absl::StatusOr<std::string> timed_out = RequestAndWait(*conversation, "timeout");
  EXPECT_EQ(timed_out.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(GetReasonCode(timed_out.status()), ToWire(ReasonCode::kReplyTimeout));
  EXPECT_FALSE(IsClientTimeout(timed_out.status())) << "this one came from the server";

  // A reply timeout does not end the conversation.
  EXPECT_EQ(RequestAndWait(*conversation, "again").value_or("<error>"), "re:again");

  // A crash does: this request and every later one fail with it.
  absl::StatusOr<std::string> crashed = RequestAndWait(*conversation, "crash");
  EXPECT_EQ(GetReasonCode(crashed.status()), ToWire(ReasonCode::kParticipantCrashed));
  absl::StatusOr<std::string> after = RequestAndWait(*conversation, "hello");
  EXPECT_EQ(GetReasonCode(after.status()), ToWire(ReasonCode::kParticipantCrashed));
}

TEST_F(ConnectionTest, OpenFailureReportedOnStreamOneReachesTheConversation) {
  // The reference server reports open failures on stream 1; routing uses the conversation id.
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (AnswerHandshake(session, frame)) return;
    if (const auto* open = std::get_if<protocol::ConversationOpen>(&frame.body)) {
      session.Send(
          MakeFrame(protocol::ConversationError{open->conversation_id, 0x0103, "already open"}, 1));
    }
  });
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  auto [on_error, error] = FutureCallback<absl::Status>();
  ConversationHandlers handlers;
  handlers.on_error = std::move(on_error);
  absl::StatusOr<Conversation> conversation =
      connection->OpenConversation("dup", std::move(handlers));
  ASSERT_TRUE(conversation.ok());
  std::optional<absl::Status> open_error = AwaitFor(error, kWait);
  ASSERT_TRUE(open_error.has_value());
  EXPECT_EQ(open_error->code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(GetReasonCode(RequestAndWait(*conversation, "x").status()),
            ToWire(ReasonCode::kConversationOpen));
}

TEST_F(ConnectionTest, ClientTimeoutKeepsLateRepliesAwayFromLaterRequests) {
  FakeServer server(HandshakeOnly);  // replies are sent by the test
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  absl::StatusOr<Conversation> conversation = connection->OpenConversation("slow");
  ASSERT_TRUE(conversation.ok());

  absl::StatusOr<std::string> first =
      RequestAndWait(*conversation, "first", absl::Milliseconds(50));
  EXPECT_TRUE(IsClientTimeout(first.status())) << first.status();

  auto [done, second] = FutureCallback<absl::StatusOr<std::string>>();
  conversation->Request("second", kWait, std::move(done));
  for (const char* payload : {"first", "second"}) {
    std::optional<Frame> request = session->NextFrameOf<protocol::ConversationMessage>(kWait);
    ASSERT_TRUE(request.has_value());
    EXPECT_EQ(std::get<protocol::ConversationMessage>(request->body).envelope.payload, payload);
  }
  uint32_t stream = static_cast<uint32_t>(conversation->id());
  session->Send(ReplyFrame(stream, conversation->id(), "late reply to first"));
  session->Send(ReplyFrame(stream, conversation->id(), "reply to second"));
  std::optional<absl::StatusOr<std::string>> reply = AwaitFor(second, kWait);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->value_or("<error>"), "reply to second");
}

TEST_F(ConnectionTest, ClosingAConversationCancelsItsRequests) {
  FakeServer server(HandshakeOnly);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  absl::StatusOr<Conversation> conversation = connection->OpenConversation("slow");
  ASSERT_TRUE(conversation.ok());
  auto [done, result] = FutureCallback<absl::StatusOr<std::string>>();
  conversation->Request("pending", kWait, std::move(done));
  ASSERT_TRUE(session->NextFrameOf<protocol::ConversationMessage>(kWait).has_value());
  conversation->Close();
  std::optional<absl::StatusOr<std::string>> reply = AwaitFor(result, kWait);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status().code(), absl::StatusCode::kCancelled);
  std::optional<Frame> close = session->NextFrameOf<protocol::ConversationClose>(kWait);
  ASSERT_TRUE(close.has_value());
  EXPECT_EQ(std::get<protocol::ConversationClose>(close->body).conversation_id, conversation->id());
}

// --- Push, worker registration, ping ------------------------------------------------------

TEST_F(ConnectionTest, AsyncPushResponderRepliesFromAnotherThread) {
  FakeServer server;
  auto [on_push, pushed] = FutureCallback<std::pair<PushRequest, PushResponder>>();
  ConnectionHandlers handlers;
  handlers.on_push = [on_push = std::move(on_push)](PushRequest push,
                                                    PushResponder responder) mutable {
    on_push({std::move(push), std::move(responder)});
  };
  std::unique_ptr<Connection> connection = Connect(server, {}, std::move(handlers));
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  session->Send(MakeFrame(protocol::Push{41, "hi"}, 1));
  std::optional<std::pair<PushRequest, PushResponder>> push = AwaitFor(pushed, kWait);
  ASSERT_TRUE(push.has_value());
  EXPECT_EQ(push->first.correlation_id, 41u);
  EXPECT_EQ(push->first.payload, "hi");
  EXPECT_EQ(push->first.stream_id, 1u);
  push->second.Reply("ok");     // from the test thread
  push->second.Reply("again");  // ignored: one reply per push
  EXPECT_FALSE(push->second.pending());

  std::optional<Frame> reply = session->NextFrameOf<protocol::PushReply>(kWait);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->stream_id, 1u);
  EXPECT_EQ(std::get<protocol::PushReply>(reply->body), (protocol::PushReply{41, "ok"}));
  // Only one PushReply: the next frame the server sees is the answer to this ping.
  auto [done, pong] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Ping(std::move(done));
  std::optional<Frame> next = session->NextFrame(kWait);
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(Is<protocol::Ping>(*next));
}

TEST_F(ConnectionTest, SyncPushHandlerInstalledAfterConnect) {
  FakeServer server;
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  connection->SetPushHandler([](uint64_t correlation_id, std::string_view payload) {
    return absl::StrCat("reply-", correlation_id, "-") + std::string(payload);
  });
  session->Send(MakeFrame(protocol::Push{5, "p"}, 1));
  std::optional<Frame> reply = session->NextFrameOf<protocol::PushReply>(kWait);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(std::get<protocol::PushReply>(reply->body), (protocol::PushReply{5, "reply-5-p"}));
}

TEST_F(ConnectionTest, WorkerRegistrationsAreAnsweredInOrder) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (AnswerHandshake(session, frame)) return;
    if (const auto* reg = std::get_if<protocol::WorkerRegister>(&frame.body)) {
      protocol::WorkerRegisterAck ack;
      if (reg->identity != "good") ack.rejection_reason = "identity not allowed";
      session.Send(MakeFrame(std::move(ack)));
    }
  });
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  WorkerRegistration good{.namespaces = {"default"},
                          .task_queue = "emails",
                          .node = std::string(""),
                          .activity_types = {"send"},
                          .identity = "good"};
  WorkerRegistration bad = good;
  bad.identity = "bad";
  auto [done_good, result_good] = FutureCallback<absl::StatusOr<WorkerRegisterResult>>();
  auto [done_bad, result_bad] = FutureCallback<absl::StatusOr<WorkerRegisterResult>>();
  connection->RegisterWorker(good, std::move(done_good));
  connection->RegisterWorker(bad, std::move(done_bad));
  std::optional<absl::StatusOr<WorkerRegisterResult>> accepted = AwaitFor(result_good, kWait);
  std::optional<absl::StatusOr<WorkerRegisterResult>> rejected = AwaitFor(result_bad, kWait);
  ASSERT_TRUE(accepted.has_value() && rejected.has_value());
  EXPECT_EQ(**accepted, (WorkerRegisterResult{true, ""}));
  EXPECT_EQ(**rejected, (WorkerRegisterResult{false, "identity not allowed"}));

  std::optional<Frame> sent = session->NextFrameOf<protocol::WorkerRegister>(kWait);
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->stream_id, 0u);
  EXPECT_EQ(std::get<protocol::WorkerRegister>(sent->body), good);
}

TEST_F(ConnectionTest, PingsMatchPongsInOrder) {
  FakeServer server;
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  auto [done1, rtt1] = FutureCallback<absl::StatusOr<absl::Duration>>();
  auto [done2, rtt2] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Ping(std::move(done1));
  connection->Ping(std::move(done2));
  std::optional<absl::StatusOr<absl::Duration>> first = AwaitFor(rtt1, kWait);
  std::optional<absl::StatusOr<absl::Duration>> second = AwaitFor(rtt2, kWait);
  ASSERT_TRUE(first.has_value() && second.has_value());
  ASSERT_TRUE(first->ok() && second->ok());
  EXPECT_GE(**first, absl::ZeroDuration());
  EXPECT_LT(**first, kWait);
}

TEST_F(ConnectionTest, ServerPingGetsPong) {
  FakeServer server;
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  session->Send(MakeFrame(protocol::Ping{}));
  EXPECT_TRUE(session->NextFrameOf<protocol::Pong>(kWait).has_value());
}

// --- The end of a connection ---------------------------------------------------------------

TEST_F(ConnectionTest, ServerCloseFailsEveryPendingOperationOnce) {
  FakeServer server([](FakeSession& session, const Frame& frame) {
    if (Is<protocol::Connect>(frame)) AnswerHandshake(session, frame);
    if (const auto* subscribe = std::get_if<protocol::Subscribe>(&frame.body);
        subscribe != nullptr && subscribe->channel == "live") {
      session.Send(MakeFrame(protocol::SubscribeAck{1, {}}, frame.stream_id));
    }
  });
  std::atomic<int> closed_calls{0};
  auto [on_closed, closed] = FutureCallback<absl::Status>();
  ConnectionHandlers handlers;
  handlers.on_closed = [&closed_calls, on_closed = std::move(on_closed)](absl::Status why) mutable {
    ++closed_calls;
    on_closed(std::move(why));
  };
  std::unique_ptr<Connection> connection = Connect(server, {}, std::move(handlers));
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);

  DeliveryLog live;
  SubscribeOrDie(*connection, "live", {}, live.Handlers());
  auto [publish_done, publish] = FutureCallback<absl::StatusOr<PublishResult>>();
  auto [subscribe_done, subscribe] = FutureCallback<absl::StatusOr<Subscription>>();
  auto [request_done, request] = FutureCallback<absl::StatusOr<std::string>>();
  auto [register_done, registered] = FutureCallback<absl::StatusOr<WorkerRegisterResult>>();
  auto [ping_done, ping] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Publish("orders", "{}", {}, std::move(publish_done));
  connection->Subscribe("pending", {}, {}, std::move(subscribe_done));
  absl::StatusOr<Conversation> conversation = connection->OpenConversation("slow");
  ASSERT_TRUE(conversation.ok());
  conversation->Request("q", kWait, std::move(request_done));
  connection->RegisterWorker({}, std::move(register_done));
  connection->Ping(std::move(ping_done));
  ASSERT_TRUE(session->NextFrameOf<protocol::Ping>(kWait).has_value());  // all sent

  session->Close();

  std::optional<absl::Status> why = AwaitFor(closed, kWait);
  ASSERT_TRUE(why.has_value());
  EXPECT_TRUE(IsDisconnected(*why)) << *why;
  auto expect_disconnected = [](const auto& result) {
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(IsDisconnected(result->status())) << result->status();
  };
  expect_disconnected(AwaitFor(publish, kWait));
  expect_disconnected(AwaitFor(subscribe, kWait));
  expect_disconnected(AwaitFor(request, kWait));
  expect_disconnected(AwaitFor(registered, kWait));
  expect_disconnected(AwaitFor(ping, kWait));
  std::vector<absl::Status> ends = live.WaitForEnd();
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_TRUE(IsDisconnected(ends[0]));

  // Operations after the end fail the same way, without touching the network.
  auto [late_done, late] = FutureCallback<absl::StatusOr<PublishResult>>();
  connection->Publish("orders", "{}", {}, std::move(late_done));
  expect_disconnected(AwaitFor(late, kWait));
  DrainIo();
  EXPECT_EQ(closed_calls.load(), 1);
  EXPECT_EQ(live.WaitForEnd().size(), 1u);
}

TEST_F(ConnectionTest, OversizeFrameHeaderEndsTheConnection) {
  FakeServer server(HandshakeOnly);
  auto [on_closed, closed] = FutureCallback<absl::Status>();
  ConnectionHandlers handlers;
  handlers.on_closed = std::move(on_closed);
  ConnectionOptions options;
  options.max_frame_bytes = 1024;
  std::unique_ptr<Connection> connection = Connect(server, options, std::move(handlers));
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  auto [ping_done, ping] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Ping(std::move(ping_done));
  ASSERT_TRUE(session->NextFrameOf<protocol::Ping>(kWait).has_value());

  // Just a header: Deliver on stream 3 announcing 1 MiB. The payload never comes.
  session->SendRaw(std::string("\x19\x00\x00\x00\x00\x03\x00\x10\x00\x00", 10));

  std::optional<absl::Status> why = AwaitFor(closed, kWait);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(GetClientError(*why), (ClientError{ErrorKind::kProtocol, std::nullopt})) << *why;
  EXPECT_TRUE(absl::StrContains(why->message(), "exceeds the client limit of 1024")) << *why;
  std::optional<absl::StatusOr<absl::Duration>> rtt = AwaitFor(ping, kWait);
  ASSERT_TRUE(rtt.has_value());
  EXPECT_TRUE(IsDisconnected(rtt->status())) << rtt->status();
  EXPECT_TRUE(absl::StrContains(rtt->status().message(), "exceeds")) << rtt->status();
  EXPECT_TRUE(session->WaitForClientClose(kWait));
}

TEST_F(ConnectionTest, MalformedFrameEndsTheConnectionWithCodecError) {
  FakeServer server;
  auto [on_closed, closed] = FutureCallback<absl::Status>();
  ConnectionHandlers handlers;
  handlers.on_closed = std::move(on_closed);
  std::unique_ptr<Connection> connection = Connect(server, {}, std::move(handlers));
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  // A Pong carrying one payload byte.
  session->SendRaw(std::string("\x14\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00", 11));
  std::optional<absl::Status> why = AwaitFor(closed, kWait);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(GetClientError(*why),
            (ClientError{ErrorKind::kProtocol, ToWire(ReasonCode::kCodecError)}));
}

TEST_F(ConnectionTest, ServerConnectErrorAfterHandshakeExplainsTheDisconnect) {
  FakeServer server(HandshakeOnly);
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  auto [ping_done, ping] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Ping(std::move(ping_done));
  ASSERT_TRUE(session->NextFrameOf<protocol::Ping>(kWait).has_value());
  session->Send(MakeFrame(protocol::ConnectError{0x0009, "trailing bytes"}));
  session->Close();
  std::optional<absl::StatusOr<absl::Duration>> rtt = AwaitFor(ping, kWait);
  ASSERT_TRUE(rtt.has_value());
  EXPECT_TRUE(IsDisconnected(rtt->status()));
  EXPECT_EQ(GetReasonCode(rtt->status()), 0x0009);
  EXPECT_TRUE(absl::StrContains(rtt->status().message(), "CodecError (0x0009): trailing bytes"))
      << rtt->status();
}

TEST_F(ConnectionTest, ServerDisconnectMeansDraining) {
  FakeServer server;
  auto [on_draining, draining] = FutureCallback<bool>();
  ConnectionHandlers handlers;
  handlers.on_draining = [on_draining = std::move(on_draining)]() mutable { on_draining(true); };
  std::unique_ptr<Connection> connection = Connect(server, {}, std::move(handlers));
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  session->Send(MakeFrame(protocol::Disconnect{}));
  session->Send(MakeFrame(protocol::Disconnect{}));  // a repeat does not call on_draining again
  ASSERT_TRUE(AwaitFor(draining, kWait).has_value());
  EXPECT_TRUE(connection->draining());
  // Still usable until the server closes.
  auto [done, pong] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Ping(std::move(done));
  std::optional<absl::StatusOr<absl::Duration>> rtt = AwaitFor(pong, kWait);
  ASSERT_TRUE(rtt.has_value());
  EXPECT_TRUE(rtt->ok()) << rtt->status();
}

TEST_F(ConnectionTest, CloseSendsDisconnectAndFailsPendingOperations) {
  FakeServer server(HandshakeOnly);
  auto [on_closed, closed] = FutureCallback<absl::Status>();
  ConnectionHandlers handlers;
  handlers.on_closed = std::move(on_closed);
  std::unique_ptr<Connection> connection = Connect(server, {}, std::move(handlers));
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  auto [ping_done, ping] = FutureCallback<absl::StatusOr<absl::Duration>>();
  connection->Ping(std::move(ping_done));
  auto [close_done, socket_closed] = FutureCallback<bool>();
  connection->Close([close_done = std::move(close_done)]() mutable { close_done(true); });

  ASSERT_TRUE(AwaitFor(socket_closed, kWait).has_value());
  std::optional<absl::StatusOr<absl::Duration>> rtt = AwaitFor(ping, kWait);
  ASSERT_TRUE(rtt.has_value());
  EXPECT_TRUE(IsDisconnected(rtt->status()));
  EXPECT_TRUE(absl::StrContains(rtt->status().message(), "closed by client"));
  std::optional<absl::Status> why = AwaitFor(closed, kWait);
  ASSERT_TRUE(why.has_value());
  EXPECT_TRUE(IsDisconnected(*why));

  EXPECT_TRUE(session->NextFrameOf<protocol::Ping>(kWait).has_value());
  EXPECT_TRUE(session->NextFrameOf<protocol::Disconnect>(kWait).has_value());
  EXPECT_TRUE(session->WaitForClientClose(kWait));
}

TEST_F(ConnectionTest, DestroyingTheConnectionClosesIt) {
  FakeServer server;
  std::unique_ptr<Connection> connection = Connect(server);
  ASSERT_NE(connection, nullptr);
  std::shared_ptr<FakeSession> session = server.WaitForSession(kWait);
  ASSERT_NE(session, nullptr);
  connection.reset();
  EXPECT_TRUE(session->NextFrameOf<protocol::Disconnect>(kWait).has_value());
  EXPECT_TRUE(session->WaitForClientClose(kWait));
}

}  // namespace
}  // namespace liminal::client
