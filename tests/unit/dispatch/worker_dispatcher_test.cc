// The worker dispatcher end to end on the manual runtime: real supervisor, real services,
// in-memory clients speaking the wire protocol.
#include "core/server/dispatch/worker_dispatcher.h"

#include <memory>
#include <vector>

#include "core/protocol/reason_code.h"
#include "core/server/services/liminal_services.h"
#include "core/testing/in_memory_socket.h"
#include "core/testing/manual_runtime.h"
#include "gtest/gtest.h"

namespace liminal::server::dispatch {
namespace {

using protocol::Frame;
using protocol::FrameType;
using protocol::MakeFrame;
using testing::SocketPeer;

FrameType TypeOf(const Frame& f) { return static_cast<FrameType>(f.type_id()); }

class WorkerDispatcherTest : public ::testing::Test {
 protected:
  WorkerDispatcherTest() {
    services_ = *services::LiminalServices::Create(rt_, services::ServicesOptions{});
    dispatcher_ = *WorkerDispatcher::Create(rt_, services_->responders());
    SupervisorOptions options;
    options.notifier = dispatcher_.get();
    supervisor_ = std::make_unique<ConnectionSupervisor>(rt_, *services_, options);
    dispatcher_->Attach(*supervisor_, absl::Seconds(5));
  }

  std::shared_ptr<SocketPeer> Connect() {
    auto [socket, peer] = testing::MakeSocketPair(rt_.scheduler());
    pids_.push_back(supervisor_->SpawnConnection(std::move(socket))->pid());
    peer->WriteFrame(MakeFrame(protocol::Connect{{1, 0}, {1, 0}, ""}));
    rt_.RunUntilIdle();
    EXPECT_EQ(peer->TakeFrames().size(), 1u);
    return peer;
  }

  std::shared_ptr<SocketPeer> Worker(std::string queue) {
    std::shared_ptr<SocketPeer> peer = Connect();
    protocol::WorkerRegister reg;
    reg.task_queue = std::move(queue);
    reg.identity = "w";
    peer->WriteFrame(MakeFrame(std::move(reg)));
    rt_.RunUntilIdle();
    std::vector<Frame> frames = peer->TakeFrames();
    EXPECT_EQ(frames.size(), 1u);
    return peer;
  }

  // Opens conversation 7 on `subject` and sends one flagged request.
  void Request(SocketPeer& client, std::string subject, std::string payload) {
    client.WriteFrame(MakeFrame(protocol::ConversationOpen{7, std::move(subject)}, 3));
    protocol::Envelope envelope;
    envelope.payload = std::move(payload);
    client.WriteFrame(
        MakeFrame(protocol::ConversationMessage{7, envelope}, 3, protocol::kFlagReplyRequested));
    rt_.RunUntilIdle();
  }

  // Answers every Push the worker has received with `prefix` + payload.
  int AnswerPushes(SocketPeer& worker, const std::string& prefix) {
    int answered = 0;
    for (const Frame& f : worker.TakeFrames()) {
      if (TypeOf(f) != FrameType::kPush) continue;
      const auto& push = std::get<protocol::Push>(f.body);
      worker.WriteFrame(
          MakeFrame(protocol::PushReply{push.correlation_id, prefix + push.payload}, 1));
      ++answered;
    }
    rt_.RunUntilIdle();
    return answered;
  }

  testing::ManualRuntime rt_;
  std::unique_ptr<services::LiminalServices> services_;
  std::unique_ptr<WorkerDispatcher> dispatcher_;
  std::unique_ptr<ConnectionSupervisor> supervisor_;
  std::vector<runtime::Pid> pids_;
};

TEST_F(WorkerDispatcherTest, RequestIsPushedToTheWorkerAndItsReplyComesBack) {
  std::shared_ptr<SocketPeer> worker = Worker("emails");
  std::shared_ptr<SocketPeer> client = Connect();
  Request(*client, "worker.emails", "hello");
  EXPECT_EQ(AnswerPushes(*worker, "done:"), 1);
  std::vector<Frame> frames = client->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(TypeOf(frames[0]), FrameType::kConversationMessage);
  EXPECT_EQ(frames[0].flags, protocol::kFlagReplyRequested);
  EXPECT_EQ(std::get<protocol::ConversationMessage>(frames[0].body).envelope.payload, "done:hello");
}

TEST_F(WorkerDispatcherTest, RequestsAreSpreadRoundRobinOverTheQueuesWorkers) {
  std::shared_ptr<SocketPeer> first = Worker("q");
  std::shared_ptr<SocketPeer> second = Worker("q");
  std::shared_ptr<SocketPeer> other_queue = Worker("r");
  EXPECT_EQ(dispatcher_->WorkersFor("q").size(), 2u);
  std::shared_ptr<SocketPeer> client = Connect();
  Request(*client, "worker.q", "1");
  protocol::Envelope envelope;
  envelope.payload = "2";
  client->WriteFrame(
      MakeFrame(protocol::ConversationMessage{7, envelope}, 3, protocol::kFlagReplyRequested));
  rt_.RunUntilIdle();
  EXPECT_EQ(AnswerPushes(*first, "a"), 1);
  EXPECT_EQ(AnswerPushes(*second, "b"), 1);
  EXPECT_EQ(AnswerPushes(*other_queue, "c"), 0);
  std::vector<Frame> frames = client->TakeFrames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(std::get<protocol::ConversationMessage>(frames[0].body).envelope.payload, "a1");
  EXPECT_EQ(std::get<protocol::ConversationMessage>(frames[1].body).envelope.payload, "b2");
}

TEST_F(WorkerDispatcherTest, NoWorkerGivesAClearParticipantError) {
  std::shared_ptr<SocketPeer> client = Connect();
  Request(*client, "worker.nobody", "x");
  std::vector<Frame> frames = client->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(TypeOf(frames[0]), FrameType::kConversationError);
  const auto& error = std::get<protocol::ConversationError>(frames[0].body);
  EXPECT_EQ(error.reason_code, protocol::ToWire(protocol::ReasonCode::kParticipantCrashed));
  EXPECT_NE(error.message->find("no worker registered for task queue 'nobody'"), std::string::npos);
}

TEST_F(WorkerDispatcherTest, ThePrefixCannotBeRegisteredTwice) {
  EXPECT_EQ(WorkerDispatcher::Create(rt_, services_->responders()).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(WorkerDispatcherTest, WorkersLeaveTheirQueueWhenTheyDisconnect) {
  std::shared_ptr<SocketPeer> worker = Worker("q");
  ASSERT_EQ(dispatcher_->WorkersFor("q").size(), 1u);
  worker->Close();
  rt_.RunUntilIdle();
  EXPECT_TRUE(dispatcher_->WorkersFor("q").empty());
  std::shared_ptr<SocketPeer> client = Connect();
  Request(*client, "worker.q", "x");
  std::vector<Frame> frames = client->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(TypeOf(frames[0]), FrameType::kConversationError);
  const auto& error = std::get<protocol::ConversationError>(frames[0].body);
  EXPECT_EQ(error.reason_code, protocol::ToWire(protocol::ReasonCode::kParticipantCrashed));
  EXPECT_NE(error.message->find("no worker registered for task queue 'q'"), std::string::npos);
}

TEST_F(WorkerDispatcherTest, AWorkerThatDisconnectsMidRequestLeavesTheClientWithReplyTimeout) {
  std::shared_ptr<SocketPeer> worker = Worker("q");
  std::shared_ptr<SocketPeer> client = Connect();
  Request(*client, "worker.q", "x");
  worker->Close();
  rt_.RunFor(absl::Seconds(6));  // past the 5 s conversation reply timeout
  std::vector<Frame> frames = client->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(TypeOf(frames[0]), FrameType::kConversationError);
  EXPECT_EQ(std::get<protocol::ConversationError>(frames[0].body).reason_code,
            protocol::ToWire(protocol::ReasonCode::kReplyTimeout));
}

}  // namespace
}  // namespace liminal::server::dispatch
