// The [services] profile "worker-front-door" (reference-compat.md §4): channels are not
// served (Publish and Subscribe get E_UNKNOWN_CHANNEL saying why), conversations are served
// only for worker.<queue> subjects, and the connection itself stays usable.
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

using protocol::ReasonCode;

class ServicesProfileTest : public ServicesTest {};

TEST_F(ServicesProfileTest, WorkerFrontDoorRefusesChannelsAndOtherConversations) {
  options_.worker_front_door = true;
  Start();
  Client a = Connect();
  ExpectError<protocol::PublishError>(Publish(a, 1, "orders", "{}"), FrameType::kPublishError, 1,
                                      ReasonCode::kUnknownChannel, "worker-front-door");
  a.Send(SubscribeFrame(3, "orders"));
  a.Send(OpenFrame(5, 7, "pricing"));
  a.Send(PingFrame());
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 3u);
  ExpectError<protocol::SubscribeError>(frames[0], FrameType::kSubscribeError, 3,
                                        ReasonCode::kUnknownChannel, "worker-front-door");
  ExpectError<protocol::ConversationError>(frames[1], FrameType::kConversationError, 5,
                                           ReasonCode::kConversationUnknown, "worker.<queue>");
  EXPECT_EQ(TypeOf(frames[2]), FrameType::kPong);
  EXPECT_EQ(SubscriptionsGauge(), 0);
  EXPECT_EQ(metrics_.conversations_opened_total.Value(), 0u);
}

TEST_F(ServicesProfileTest, WorkerFrontDoorServesWorkerSubjects) {
  options_.worker_front_door = true;
  Start();
  Client a = Connect();
  a.Send(OpenFrame(5, 7, "worker.emails"));  // answered by the echo responder here
  a.Send(MessageFrame(5, 7, "job", /*reply=*/true));
  Run();
  std::vector<Frame> frames = a.Take();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kConversationMessage);
  EXPECT_EQ(metrics_.conversations_opened_total.Value(), 1u);
}

TEST_F(ServicesProfileTest, TheFullProfileServesEverything) {
  Start();
  Client a = Connect();
  ExpectPublishAck(Publish(a, 1, "orders", "{}"), 1, 1, false);
  EXPECT_NE(Subscribe(a, 3, "orders"), 0u);
  a.Send(OpenFrame(5, 7, "pricing"));
  Run();
  EXPECT_TRUE(a.Take().empty());
  EXPECT_EQ(metrics_.conversations_opened_total.Value(), 1u);
}

}  // namespace
}  // namespace liminal::server::services::testing
