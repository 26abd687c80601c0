// The real core ConnectionSupervisor on AsioRuntime with real TCP: a raw client performs
// the handshake, keepalive, a server push answered by a PushReply, and a push to a closed
// connection, which must report Disconnected promptly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "core/protocol/frame.h"
#include "core/server/connection_supervisor.h"
#include "io/runtime/asio_listener.h"
#include "io/runtime/asio_runtime.h"
#include "tests/unit/io/blocking_client.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io {
namespace {

using protocol::Frame;
using protocol::MakeFrame;
using runtime::Pid;
using server::PushOutcome;
using testing::BlockingClient;
using testing::EventLog;
using testing::kEventTimeout;

// A session that ignores application frames and owns nothing.
class IgnoringSession final : public server::ConnectionSession {
 public:
  explicit IgnoringSession(std::atomic<int>& released) : released_(released) {}
  void OnSubscribe(const Frame&, protocol::Subscribe&, server::ConnectionOutput&) override {}
  void OnUnsubscribe(const Frame&, protocol::Unsubscribe&, server::ConnectionOutput&) override {}
  void OnPublish(const Frame&, protocol::Publish&, server::ConnectionOutput&) override {}
  void OnConversationOpen(const Frame&, protocol::ConversationOpen&,
                          server::ConnectionOutput&) override {}
  void OnConversationMessage(const Frame&, protocol::ConversationMessage&,
                             server::ConnectionOutput&) override {}
  void OnConversationClose(const Frame&, protocol::ConversationClose&,
                           server::ConnectionOutput&) override {}
  void OnAccept(const Frame&, protocol::Accept&, server::ConnectionOutput&) override {}
  void OnDefer(const Frame&, protocol::Defer&, server::ConnectionOutput&) override {}
  void OnReject(const Frame&, protocol::Reject&, server::ConnectionOutput&) override {}
  void Pump(server::ConnectionOutput&) override {}
  bool HasSubscriptions() const override { return false; }
  void Release() override { released_++; }

 private:
  std::atomic<int>& released_;
};

class TrivialServices final : public server::ConnectionServices {
 public:
  std::unique_ptr<server::ConnectionSession> OpenSession() override {
    return std::make_unique<IgnoringSession>(released);
  }
  absl::Status FlushDurableState() override { return absl::OkStatus(); }
  std::atomic<int> released{0};
};

class SupervisorOnAsioTest : public ::testing::Test {
 protected:
  SupervisorOnAsioTest()
      : runtime_({.scheduler_threads = 4}), supervisor_(runtime_, services_, {}) {
    runtime_.Start();
    auto listener = AsioListener::Bind(runtime_, {"127.0.0.1", 0});
    EXPECT_TRUE(listener.ok()) << listener.status();
    listener_ = std::move(*listener);
    listener_->StartAccepting([this](std::unique_ptr<runtime::Socket> socket) {
      absl::StatusOr<server::ConnectionHandle> handle =
          supervisor_.SpawnConnection(std::move(socket));
      if (handle.ok()) pids_.Add(handle->pid());
    });
  }
  ~SupervisorOnAsioTest() override {
    listener_->Stop();
    supervisor_.Shutdown();
    supervisor_.AwaitIdle(kEventTimeout);
    // Processes and monitors point at the supervisor: stop the runtime before it goes.
    runtime_.Stop();
    runtime_.Join();
  }

  // Connects and completes the handshake; returns the client and its connection's pid.
  std::pair<BlockingClient, Pid> ConnectClient() {
    const size_t index = pids_.size();  // clients connect one at a time
    absl::StatusOr<BlockingClient> client = BlockingClient::Connect(listener_->LocalAddress());
    EXPECT_TRUE(client.ok()) << client.status();
    EXPECT_TRUE(client->WriteFrame(MakeFrame(protocol::Connect{{1, 0}, {1, 0}, "token"})));
    absl::StatusOr<Frame> ack = client->ReadFrame();
    EXPECT_TRUE(ack.ok()) << ack.status();
    if (ack.ok()) {
      const auto* connect_ack = std::get_if<protocol::ConnectAck>(&ack->body);
      EXPECT_NE(connect_ack, nullptr);
      if (connect_ack != nullptr) {
        EXPECT_EQ(connect_ack->selected_version, (protocol::Version{1, 0}));
      }
    }
    EXPECT_TRUE(pids_.WaitForSize(index + 1));
    return {std::move(*client), pids_.Snapshot().at(index)};
  }

  AsioRuntime runtime_;
  TrivialServices services_;
  server::ConnectionSupervisor supervisor_;
  std::unique_ptr<AsioListener> listener_;
  EventLog<Pid> pids_;
};

TEST_F(SupervisorOnAsioTest, HandshakePingAndPushRoundTrip) {
  auto [client, pid] = ConnectClient();
  EXPECT_TRUE(supervisor_.IsTracked(pid));

  ASSERT_TRUE(client.WriteFrame(MakeFrame(protocol::Ping{})));
  absl::StatusOr<Frame> pong = client.ReadFrame();
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_TRUE(std::holds_alternative<protocol::Pong>(pong->body));

  absl::StatusOr<server::PushReplyAwaiter> awaiter = supervisor_.PushToConnection(pid, "job-1");
  ASSERT_TRUE(awaiter.ok()) << awaiter.status();
  absl::StatusOr<Frame> push = client.ReadFrame();
  ASSERT_TRUE(push.ok()) << push.status();
  const auto* body = std::get_if<protocol::Push>(&push->body);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->payload, "job-1");
  EXPECT_EQ(body->correlation_id, awaiter->correlation_id());
  ASSERT_TRUE(client.WriteFrame(
      MakeFrame(protocol::PushReply{body->correlation_id, "done"}, push->stream_id)));

  const server::PushResult result = awaiter->Receive(kEventTimeout);
  EXPECT_EQ(result.outcome, PushOutcome::kReply);
  EXPECT_EQ(result.reply, "done");
}

TEST_F(SupervisorOnAsioTest, PushToAClosedConnectionIsDisconnectedQuickly) {
  auto [client, pid] = ConnectClient();
  client.Close();
  ASSERT_TRUE(supervisor_.AwaitIdle(kEventTimeout));  // the exit monitor untracked it
  EXPECT_FALSE(runtime_.scheduler().IsAlive(pid));
  EXPECT_EQ(services_.released.load(), 1);

  const absl::Time start = absl::Now();
  absl::StatusOr<server::PushReplyAwaiter> awaiter = supervisor_.PushToConnection(pid, "late");
  ASSERT_TRUE(awaiter.ok()) << awaiter.status();
  const server::PushResult result = awaiter->Receive(kEventTimeout);
  EXPECT_EQ(result.outcome, PushOutcome::kDisconnected);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST_F(SupervisorOnAsioTest, PendingPushIsDisconnectedWhenTheClientGoesAway) {
  auto [client, pid] = ConnectClient();
  absl::StatusOr<server::PushReplyAwaiter> awaiter = supervisor_.PushToConnection(pid, "job-2");
  ASSERT_TRUE(awaiter.ok()) << awaiter.status();
  ASSERT_TRUE(client.ReadFrame().ok());  // the push arrived; the client will not answer
  const absl::Time start = absl::Now();
  client.Reset();
  const server::PushResult result = awaiter->Receive(kEventTimeout);
  EXPECT_EQ(result.outcome, PushOutcome::kDisconnected);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // the close, not the receive timeout
}

TEST_F(SupervisorOnAsioTest, ManyClientsThenShutdownClosesThemAll) {
  constexpr int kClients = 32;
  std::vector<BlockingClient> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(ConnectClient().first);
  EXPECT_EQ(supervisor_.ActiveCount(), size_t{kClients});
  supervisor_.NotifyShutdown(/*every_connection=*/true);
  supervisor_.Shutdown();
  ASSERT_TRUE(supervisor_.AwaitIdle(kEventTimeout));
  for (BlockingClient& client : clients) {
    // Disconnect (sent once), then the server's close.
    absl::StatusOr<Frame> disconnect = client.ReadFrame();
    ASSERT_TRUE(disconnect.ok()) << disconnect.status();
    EXPECT_TRUE(std::holds_alternative<protocol::Disconnect>(disconnect->body));
    EXPECT_TRUE(client.ReadToEnd().eof);
  }
  EXPECT_EQ(services_.released.load(), kClients);
  EXPECT_EQ(runtime_.scheduler().LiveCount(), 0u);
}

}  // namespace
}  // namespace liminal::io
