// EmbeddedServer: the embedding API — responders, the worker-registration notifier, and
// pushes to a connection — on the manual runtime.
#include "core/server/services/embedded_server.h"

#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

class VettingNotifier final : public ConnectionNotifier {
 public:
  absl::Status OnWorkerRegistered(runtime::Pid pid,
                                  const protocol::WorkerRegister& registration) override {
    if (registration.task_queue.empty()) {
      return absl::PermissionDeniedError("task_queue is required");
    }
    registered.push_back(pid);
    return absl::OkStatus();
  }
  void OnWorkerUnregistered(runtime::Pid pid) override { unregistered.push_back(pid); }
  std::vector<runtime::Pid> registered;
  std::vector<runtime::Pid> unregistered;
};

class EmbeddedServerTest : public ServicesTest {
 protected:
  std::shared_ptr<SocketPeer> Accept(EmbeddedServer& server, runtime::Pid& pid) {
    auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler(), "10.0.0.9:1");
    absl::StatusOr<ConnectionHandle> handle = server.Accept(std::move(socket));
    EXPECT_TRUE(handle.ok());
    pid = handle->pid();
    peer->WriteFrame(ConnectFrame());
    rt_.RunUntilIdle();
    EXPECT_EQ(peer->TakeFrames().size(), 1u);
    return peer;
  }
};

TEST_F(EmbeddedServerTest, RespondersNotifierAndPush) {
  VettingNotifier notifier;
  EmbeddedServer::Options options;
  options.services = options_;
  options.supervisor.notifier = &notifier;
  absl::StatusOr<std::unique_ptr<EmbeddedServer>> created =
      EmbeddedServer::Create(rt_, std::move(options));
  ASSERT_TRUE(created.ok()) << created.status();
  EmbeddedServer& server = **created;
  ASSERT_TRUE(server
                  .RegisterResponder(
                      "greet", ResponderFromFunction([](ParticipantContext& ctx, std::string name,
                                                        ReplyHandle reply) {
                        reply.Send("hello " + name + " from " + ctx.subject());
                      }))
                  .ok());
  runtime::Pid pid = runtime::kNoPid;
  std::shared_ptr<SocketPeer> peer = Accept(server, pid);

  peer->WriteFrame(OpenFrame(1, 1, "greet"));
  peer->WriteFrame(MessageFrame(1, 1, "ada", true));
  rt_.RunUntilIdle();
  std::vector<Frame> frames = peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(std::get<protocol::ConversationMessage>(frames[0].body).envelope.payload,
            "hello ada from greet");

  protocol::WorkerRegister registration;
  registration.task_queue = "q";
  peer->WriteFrame(protocol::MakeFrame(registration));
  rt_.RunUntilIdle();
  frames = peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(std::get<protocol::WorkerRegisterAck>(frames[0].body).accepted());
  EXPECT_EQ(notifier.registered, (std::vector<runtime::Pid>{pid}));

  absl::StatusOr<PushReplyAwaiter> awaiter = server.Push(pid, "job-1");
  ASSERT_TRUE(awaiter.ok()) << awaiter.status();
  rt_.RunUntilIdle();
  frames = peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_EQ(TypeOf(frames[0]), FrameType::kPush);
  EXPECT_EQ(frames[0].stream_id, 1u);
  const auto& push = std::get<protocol::Push>(frames[0].body);
  EXPECT_EQ(push.payload, "job-1");
  peer->WriteFrame(protocol::MakeFrame(protocol::PushReply{push.correlation_id, "done"}, 1));
  PushResult result = awaiter->Receive(absl::Seconds(1));
  EXPECT_EQ(result.outcome, PushOutcome::kReply);
  EXPECT_EQ(result.reply, "done");

  peer->Close();
  rt_.RunUntilIdle();
  EXPECT_EQ(notifier.unregistered, (std::vector<runtime::Pid>{pid}));
  EXPECT_EQ(metrics_.conversations_current.Value(), 0);
}

TEST_F(EmbeddedServerTest, InvalidServicesOptionsAreReported) {
  EmbeddedServer::Options options;
  options.services = options_;
  options.services.routes.push_back(Route("orders", "missing"));
  EXPECT_FALSE(EmbeddedServer::Create(rt_, std::move(options)).ok());
}

}  // namespace
}  // namespace liminal::server::services::testing
