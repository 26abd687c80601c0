// Shared fixture for supervisor tests: a ManualRuntime, fake services, a recording
// notifier and event sink, and helpers to open handshaken in-memory connections.
#ifndef LIMINAL_TESTS_UNIT_SERVER_SUPERVISOR_FIXTURE_H_
#define LIMINAL_TESTS_UNIT_SERVER_SUPERVISOR_FIXTURE_H_

#include <memory>
#include <optional>
#include <vector>

#include "core/protocol/frame.h"
#include "core/server/connection_supervisor.h"
#include "core/testing/in_memory_socket.h"
#include "core/testing/manual_runtime.h"
#include "gtest/gtest.h"
#include "tests/unit/server/fake_services.h"

namespace liminal::server::testing {

using liminal::testing::ManualRuntime;
using liminal::testing::SocketPeer;

class RecordingSink : public SupervisorEventSink {
 public:
  void Record(const SupervisorEvent& event) override { events.push_back(event); }
  int Count(SupervisorEventKind kind, runtime::Pid pid, std::optional<uint64_t> id = {}) const {
    int n = 0;
    for (const auto& e : events) {
      if (e.kind == kind && e.pid == pid && (!id.has_value() || e.id == *id)) ++n;
    }
    return n;
  }
  std::vector<SupervisorEvent> events;
};

inline protocol::Frame ConnectFrame(std::string token = "") {
  return protocol::MakeFrame(protocol::Connect{{1, 0}, {1, 0}, std::move(token)});
}

inline protocol::Frame SubscribeFrame(uint32_t stream = 3) {
  return protocol::MakeFrame(protocol::Subscribe{"orders", {}, 1}, stream);
}

inline protocol::Frame RegisterFrame(std::string identity = "w1") {
  protocol::WorkerRegister reg;
  reg.namespaces = {"default"};
  reg.task_queue = "q";
  reg.identity = std::move(identity);
  return protocol::MakeFrame(std::move(reg));
}

inline protocol::FrameType TypeOf(const protocol::Frame& frame) {
  return static_cast<protocol::FrameType>(frame.type_id());
}

inline int CountType(const std::vector<protocol::Frame>& frames, protocol::FrameType type) {
  int n = 0;
  for (const auto& f : frames) n += TypeOf(f) == type ? 1 : 0;
  return n;
}

class SupervisorTest : public ::testing::Test {
 protected:
  struct Client {
    ConnectionHandle handle;
    std::shared_ptr<SocketPeer> peer;
  };

  void MakeSupervisor(SupervisorOptions options = {}) {
    options.events = &sink_;
    if (use_notifier_) options.notifier = &notifier_;
    supervisor_ = std::make_unique<ConnectionSupervisor>(rt_, services_, std::move(options));
  }

  ConnectionSupervisor& supervisor() {
    if (supervisor_ == nullptr) MakeSupervisor();
    return *supervisor_;
  }

  // Spawns a connection without running anything.
  Client Spawn(std::string address = "10.0.0.1:4000") {
    auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler(), std::move(address));
    absl::StatusOr<ConnectionHandle> handle = supervisor().SpawnConnection(std::move(socket));
    EXPECT_TRUE(handle.ok()) << handle.status();
    return Client{*handle, peer};
  }

  // Spawns a connection and completes the handshake.
  Client Connect(std::string address = "10.0.0.1:4000") {
    Client client = Spawn(std::move(address));
    client.peer->WriteFrame(ConnectFrame());
    rt_.RunUntilIdle();
    std::vector<protocol::Frame> frames = client.peer->TakeFrames();
    EXPECT_EQ(frames.size(), 1u);
    if (!frames.empty()) {
      EXPECT_EQ(TypeOf(frames[0]), protocol::FrameType::kConnectAck);
    }
    return client;
  }

  ManualRuntime rt_;
  FakeServices services_;
  RecordingNotifier notifier_;
  bool use_notifier_ = true;
  RecordingSink sink_;
  std::unique_ptr<ConnectionSupervisor> supervisor_;
};

}  // namespace liminal::server::testing

#endif  // LIMINAL_TESTS_UNIT_SERVER_SUPERVISOR_FIXTURE_H_
