// Conversations (server-behaviour.md §4): echo and registered responders, replies that never
// block the connection, reply timeouts on the manual clock, participant crashes, unflagged
// messages, duplicate opens, unknown ids, and teardown when the connection closes.
#include <deque>

#include "core/server/services/conversations/responder.h"
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

using protocol::ReasonCode;

// A responder that keeps every handle so the test decides when (and whether) to answer.
struct HeldRequests {
  struct Held {
    std::string payload;
    ReplyHandle reply;
  };
  std::deque<Held> requests;
  std::vector<runtime::Pid> participants;
  int destroyed = 0;
};

class HoldingResponder final : public Responder {
 public:
  explicit HoldingResponder(HeldRequests& held) : held_(held) {}
  ~HoldingResponder() override { ++held_.destroyed; }
  void OnMessage(ParticipantContext& context, std::string payload, ReplyHandle reply) override {
    held_.participants.push_back(context.pid());
    held_.requests.push_back({std::move(payload), std::move(reply)});
  }

 private:
  HeldRequests& held_;
};

class ConversationTest : public ServicesTest {
 protected:
  void StartWithResponders() {
    Start();
    ASSERT_TRUE(
        services_->responders()
            .Register("upper", ResponderFromFunction(
                                   [](ParticipantContext&, std::string payload, ReplyHandle reply) {
                                     for (char& c : payload) c = static_cast<char>(std::toupper(c));
                                     reply.Send(std::move(payload));
                                   }))
            .ok());
    ASSERT_TRUE(services_->responders()
                    .Register("hold", [this] { return std::make_unique<HoldingResponder>(held_); })
                    .ok());
    ASSERT_TRUE(
        services_->responders()
            .Register("fragile", ResponderFromFunction([](ParticipantContext& ctx,
                                                          std::string payload, ReplyHandle reply) {
                        if (payload == "boom") {
                          ctx.Crash("cannot handle boom");
                          return;
                        }
                        reply.Send("ok:" + payload);
                      }))
            .ok());
  }

  HeldRequests held_;
};

void ExpectReply(const Frame& frame, uint32_t stream, uint64_t id, const std::string& payload) {
  ASSERT_EQ(TypeOf(frame), FrameType::kConversationMessage);
  EXPECT_EQ(frame.stream_id, stream);
  EXPECT_EQ(frame.flags, protocol::kFlagReplyRequested);
  const auto& message = std::get<protocol::ConversationMessage>(frame.body);
  EXPECT_EQ(message.conversation_id, id);
  EXPECT_EQ(message.envelope.schema_id, FilledSchema(0));
  EXPECT_EQ(message.envelope.causal, protocol::CausalContext{});
  EXPECT_EQ(message.envelope.payload, payload);
}

TEST_F(ConversationTest, EchoRepliesWithTheRequestPayload) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(3, 7, "anything"));
  Run();
  EXPECT_TRUE(a.Take().empty());  // no response to a successful open
  a.Send(MessageFrame(5, 7, "hello", /*reply=*/true));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectReply(frames[0], 5, 7, "hello");
  EXPECT_EQ(metrics_.conversations_opened_total.Value(), 1u);
  EXPECT_EQ(metrics_.conversations_current.Value(), 1);
  EXPECT_EQ(metrics_.ConversationReplies(metrics::ConversationReplyOutcome::kReplied).Value(), 1u);
}

TEST_F(ConversationTest, RegisteredResponderAnswers) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 1, "upper"));
  a.Send(MessageFrame(1, 1, "shout", true));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectReply(frames[0], 1, 1, "SHOUT");
}

TEST_F(ConversationTest, UnflaggedMessagesNeverGetAReply) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 1, "echo"));
  a.Send(MessageFrame(1, 1, "quiet-1", false));
  a.Send(MessageFrame(1, 1, "quiet-2", false));
  Run();
  EXPECT_TRUE(a.Take().empty());
  a.Send(MessageFrame(1, 1, "loud", true));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectReply(frames[0], 1, 1, "loud");
}

TEST_F(ConversationTest, AsyncRepliesDoNotBlockTheConnectionAndMatchTheirRequests) {
  StartWithResponders();
  Client a = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  a.Send(OpenFrame(1, 9, "hold"));
  a.Send(MessageFrame(3, 9, "first", true));
  a.Send(MessageFrame(5, 9, "second", true));
  a.Send(MessageFrame(5, 9, "fire-and-forget", false));
  Run();
  ASSERT_EQ(held_.requests.size(), 3u);
  EXPECT_FALSE(held_.requests[2].reply.wants_reply());
  // The connection keeps serving while both requests wait.
  a.Send(PingFrame());
  a.Send(PublishFrame(7, "orders", "{}"));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kPong);
  ExpectPublishAck(frames[1], 7, 1, true);
  EXPECT_EQ(Payloads(subscriber.Take()), (std::vector<std::string>{"{}"}));
  // Answer out of order, from outside any process: each reply goes to its own request.
  EXPECT_FALSE(held_.requests[2].reply.Send("nobody asked"));
  EXPECT_TRUE(held_.requests[1].reply.Send("answer-2"));
  Run();
  frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectReply(frames[0], 5, 9, "answer-2");
  EXPECT_TRUE(held_.requests[0].reply.Send("answer-1"));
  EXPECT_FALSE(held_.requests[0].reply.Send("again"));  // at most once
  Run();
  frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectReply(frames[0], 3, 9, "answer-1");
}

TEST_F(ConversationTest, ReplyTimeoutOnTheRuntimeClock) {
  options_.conversation_reply_timeout = absl::Seconds(2);
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 4, "hold"));
  a.Send(MessageFrame(3, 4, "slow", true));
  Run();
  rt_.AdvanceTime(absl::Milliseconds(1999));
  EXPECT_TRUE(a.Take().empty());
  rt_.AdvanceTime(absl::Milliseconds(1));
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectError<protocol::ConversationError>(frames[0], FrameType::kConversationError, 3,
                                           ReasonCode::kReplyTimeout, "within 2s");
  EXPECT_EQ(std::get<protocol::ConversationError>(frames[0].body).conversation_id, 4u);
  EXPECT_EQ(metrics_.ConversationReplies(metrics::ConversationReplyOutcome::kTimeout).Value(), 1u);
  // A reply after the timeout is dropped; the conversation itself stays open.
  ASSERT_EQ(held_.requests.size(), 1u);
  EXPECT_FALSE(held_.requests[0].reply.Send("too late"));
  Run();
  EXPECT_TRUE(a.Take().empty());
  a.Send(MessageFrame(3, 4, "next", true));
  Run();
  ASSERT_EQ(held_.requests.size(), 2u);
  EXPECT_TRUE(held_.requests[1].reply.Send("in time"));
  Run();
  frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectReply(frames[0], 3, 4, "in time");
  EXPECT_EQ(rt_.clock().pending_timers(), 0u);  // the answered request's timer was cancelled
}

TEST_F(ConversationTest, KilledParticipantFailsThePendingRequest) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 2, "hold"));
  a.Send(MessageFrame(3, 2, "q1", true));
  a.Send(MessageFrame(5, 2, "q2", true));
  Run();
  ASSERT_EQ(held_.participants.size(), 2u);
  rt_.scheduler().Kill(held_.participants[0], runtime::ExitReason::Killed("test crash"));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 2u);  // one error per pending request, on its stream
  ExpectError<protocol::ConversationError>(frames[0], FrameType::kConversationError, 3,
                                           ReasonCode::kParticipantCrashed, "test crash");
  ExpectError<protocol::ConversationError>(frames[1], FrameType::kConversationError, 5,
                                           ReasonCode::kParticipantCrashed, "killed");
  EXPECT_EQ(metrics_.conversations_current.Value(), 0);
  EXPECT_EQ(rt_.clock().pending_timers(), 0u);
  // The handles of the dead participant cannot answer any more.
  EXPECT_FALSE(held_.requests[0].reply.Send("ghost"));
  // The conversation is gone: the id is unknown now, and may be opened again.
  a.Send(MessageFrame(3, 2, "q3", true));
  Run();
  ExpectError<protocol::ConversationError>(a.Take().at(0), FrameType::kConversationError, 3,
                                           ReasonCode::kConversationUnknown, "not open");
  a.Send(OpenFrame(1, 2, "echo"));
  a.Send(MessageFrame(1, 2, "again", true));
  Run();
  ExpectReply(a.Take().at(0), 1, 2, "again");
}

TEST_F(ConversationTest, CrashWithNothingPendingIsReportedOnTheNextMessage) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 2, "hold"));
  a.Send(MessageFrame(3, 2, "unflagged", false));
  Run();
  ASSERT_EQ(held_.participants.size(), 1u);
  rt_.scheduler().Kill(held_.participants[0], runtime::ExitReason::Killed("oops"));
  Run();
  EXPECT_TRUE(a.Take().empty());
  a.Send(MessageFrame(7, 2, "next", true));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectError<protocol::ConversationError>(frames[0], FrameType::kConversationError, 7,
                                           ReasonCode::kParticipantCrashed, "oops");
  a.Send(MessageFrame(7, 2, "after", true));
  Run();
  ExpectError<protocol::ConversationError>(a.Take().at(0), FrameType::kConversationError, 7,
                                           ReasonCode::kConversationUnknown, "not open");
  EXPECT_EQ(
      metrics_.ConversationReplies(metrics::ConversationReplyOutcome::kParticipantCrashed).Value(),
      1u);
}

TEST_F(ConversationTest, ResponderCanCrashItsParticipant) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 1, "fragile"));
  a.Send(MessageFrame(1, 1, "fine", true));
  a.Send(MessageFrame(3, 1, "boom", true));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 2u);
  ExpectReply(frames[0], 1, 1, "ok:fine");
  ExpectError<protocol::ConversationError>(frames[1], FrameType::kConversationError, 3,
                                           ReasonCode::kParticipantCrashed, "cannot handle boom");
}

TEST_F(ConversationTest, DuplicateOpenAndUnknownIds) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 5, "echo"));
  a.Send(OpenFrame(9, 5, "upper"));
  a.Send(MessageFrame(11, 6, "x", true));
  a.Send(CloseFrame(13, 6));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 3u);
  ExpectError<protocol::ConversationError>(frames[0], FrameType::kConversationError, 9,
                                           ReasonCode::kConversationOpen, "already open");
  ExpectError<protocol::ConversationError>(frames[1], FrameType::kConversationError, 11,
                                           ReasonCode::kConversationUnknown, "not open");
  ExpectError<protocol::ConversationError>(frames[2], FrameType::kConversationError, 13,
                                           ReasonCode::kConversationUnknown, "not open");
  EXPECT_EQ(std::get<protocol::ConversationError>(frames[0].body).conversation_id, 5u);
  // The original conversation is untouched (still echo, not upper).
  a.Send(MessageFrame(1, 5, "still echo", true));
  Run();
  ExpectReply(a.Take().at(0), 1, 5, "still echo");
}

TEST_F(ConversationTest, CloseStopsTheParticipantAndDropsLateReplies) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 3, "hold"));
  a.Send(MessageFrame(1, 3, "q", true));
  Run();
  ASSERT_EQ(held_.participants.size(), 1u);
  const runtime::Pid participant = held_.participants[0];
  a.Send(CloseFrame(1, 3));
  Run();
  EXPECT_TRUE(a.Take().empty());  // no response to a close
  EXPECT_FALSE(rt_.scheduler().IsAlive(participant));
  EXPECT_EQ(held_.destroyed, 1);
  EXPECT_EQ(rt_.clock().pending_timers(), 0u);
  EXPECT_FALSE(held_.requests[0].reply.Send("late"));
  // A normal stop is not a crash, and the id can be reused.
  a.Send(OpenFrame(1, 3, "hold"));
  a.Send(MessageFrame(1, 3, "q2", true));
  Run();
  ASSERT_EQ(held_.requests.size(), 2u);
  EXPECT_TRUE(held_.requests[1].reply.Send("fresh"));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectReply(frames[0], 1, 3, "fresh");
  EXPECT_EQ(metrics_.conversations_current.Value(), 1);
}

TEST_F(ConversationTest, ConnectionCloseTearsDownItsConversations) {
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 1, "hold"));
  a.Send(OpenFrame(1, 2, "hold"));
  a.Send(MessageFrame(1, 1, "q", true));
  a.Send(MessageFrame(1, 2, "q", true));
  Run();
  ASSERT_EQ(held_.participants.size(), 2u);
  EXPECT_EQ(metrics_.conversations_current.Value(), 2);
  a.peer->Close();
  Run();
  for (runtime::Pid pid : held_.participants) EXPECT_FALSE(rt_.scheduler().IsAlive(pid));
  EXPECT_EQ(held_.destroyed, 2);
  EXPECT_EQ(metrics_.conversations_current.Value(), 0);
  EXPECT_EQ(rt_.clock().pending_timers(), 0u);
  EXPECT_FALSE(held_.requests[0].reply.Send("late"));
  EXPECT_EQ(
      metrics_.ConversationReplies(metrics::ConversationReplyOutcome::kParticipantCrashed).Value(),
      0u);
}

TEST_F(ConversationTest, ConversationsPerConnectionAreLimited) {
  options_.max_conversations_per_connection = 2;
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 1, "hold"));
  a.Send(OpenFrame(1, 2, "hold"));
  a.Send(OpenFrame(3, 3, "hold"));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectError<protocol::ConversationError>(frames[0], FrameType::kConversationError, 3,
                                           ReasonCode::kLimit,
                                           "limits.max_conversations_per_connection = 2");
  EXPECT_EQ(metrics_.conversations_current.Value(), 2);
  a.Send(CloseFrame(1, 1));  // closing one makes room again
  a.Send(OpenFrame(3, 3, "hold"));
  Run();
  EXPECT_TRUE(a.Take().empty());
  EXPECT_EQ(metrics_.conversations_current.Value(), 2);
}

TEST_F(ConversationTest, PendingRepliesAreLimitedPerConversationAndPerConnection) {
  options_.max_pending_replies_per_conversation = 2;
  options_.max_pending_conversation_replies_per_connection = 3;
  StartWithResponders();
  Client a = Connect();
  a.Send(OpenFrame(1, 1, "hold"));
  a.Send(OpenFrame(1, 2, "hold"));
  for (int i = 0; i < 3; ++i) a.Send(MessageFrame(5, 1, "q", /*reply=*/true));
  a.Send(MessageFrame(5, 1, "fyi", /*reply=*/false));  // unflagged: never limited
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectError<protocol::ConversationError>(frames[0], FrameType::kConversationError, 5,
                                           ReasonCode::kLimit,
                                           "limits.max_pending_replies_per_conversation");
  a.Send(MessageFrame(7, 2, "q", /*reply=*/true));  // the third pending on the connection
  a.Send(MessageFrame(7, 2, "q", /*reply=*/true));  // a fourth is over the connection's limit
  Run();
  frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  ExpectError<protocol::ConversationError>(
      frames[0], FrameType::kConversationError, 7, ReasonCode::kLimit,
      "limits.max_pending_conversation_replies_per_connection");
  ASSERT_EQ(held_.requests.size(), 4u);  // 2 + 1 flagged, plus the unflagged one
  // A reply frees its slot.
  ASSERT_TRUE(held_.requests.front().reply.Send("a1"));
  Run();
  ASSERT_EQ(a.Take().size(), 1u);
  a.Send(MessageFrame(5, 1, "q", /*reply=*/true));
  Run();
  EXPECT_TRUE(a.Take().empty());
  EXPECT_EQ(held_.requests.size(), 5u);
}

TEST_F(ConversationTest, ResponderRegistryRules) {
  StartWithResponders();
  ResponderRegistry& registry = services_->responders();
  EXPECT_EQ(registry.Register("upper", ResponderFromFunction([](auto&, auto, auto) {})).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Register("x", nullptr).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(registry.Unregister("upper"));
  EXPECT_FALSE(registry.Unregister("upper"));
  ASSERT_TRUE(registry.Register("refuse", [] { return std::unique_ptr<Responder>(); }).ok());
  Client a = Connect();
  a.Send(OpenFrame(1, 1, "upper"));  // falls back to echo now
  a.Send(MessageFrame(1, 1, "quiet", true));
  a.Send(OpenFrame(3, 2, "refuse"));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 2u);
  // The refusal is immediate; the reply comes back from the participant a slice later.
  ExpectError<protocol::ConversationError>(frames[0], FrameType::kConversationError, 3,
                                           ReasonCode::kInternal, "could not be created");
  ExpectReply(frames[1], 1, 1, "quiet");
}

}  // namespace
}  // namespace liminal::server::services::testing
