// The supervisor's race windows, each forced into one exact interleaving by running the
// manual runtime from inside a seam call (its switch-point hook). The simulation explores
// these same windows at random; here each one is pinned.
#include "gtest/gtest.h"
#include "tests/unit/server/supervisor_fixture.h"

namespace liminal::server::testing {
namespace {

using liminal::testing::SwitchPoint;
using liminal::testing::SwitchPointKind;
using protocol::FrameType;

// Runs `action` once, at the first switch point matching `want` after Arm().
class OneShotHook {
 public:
  OneShotHook(ManualRuntime& rt, std::function<bool(const SwitchPoint&)> want,
              std::function<void()> action)
      : want_(std::move(want)), action_(std::move(action)) {
    rt.scheduler().set_switch_hook([this](const SwitchPoint& point) {
      if (!armed_ || fired_ || !want_(point)) return;
      fired_ = true;
      action_();
    });
  }
  void Arm() { armed_ = true; }
  bool fired() const { return fired_; }

 private:
  std::function<bool(const SwitchPoint&)> want_;
  std::function<void()> action_;
  bool armed_ = false;
  bool fired_ = false;
};

// Everyone else runs as early as possible: at every switch point where no lock is held,
// the queue is drained (as if other threads always won the race).
class EagerInterleaving {
 public:
  explicit EagerInterleaving(ManualRuntime& rt) : rt_(rt) {
    rt_.scheduler().set_switch_hook([this](const SwitchPoint& point) {
      if (inside_ || point.locks_held != 0) return;
      inside_ = true;
      ran_ += rt_.RunUntilIdle();
      inside_ = false;
    });
  }
  ~EagerInterleaving() { rt_.scheduler().set_switch_hook(nullptr); }
  size_t ran() const { return ran_; }

 private:
  ManualRuntime& rt_;
  bool inside_ = false;
  size_t ran_ = 0;
};

// The first slice runs to completion — handshake, registration, peer EOF, exit — inside
// Spawn, and the exit monitor's kNoProc callback runs before the record insert.
class FirstSliceExitsBeforeInsert : public SupervisorTest {
 protected:
  void RunScenario() {
    auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler());
    peer->WriteFrame(ConnectFrame());
    peer->WriteFrame(RegisterFrame());
    peer->Close();
    absl::StatusOr<ConnectionHandle> handle;
    {
      EagerInterleaving eager(rt_);
      handle = supervisor().SpawnConnection(std::move(socket));
      ASSERT_GT(eager.ran(), 0u);
    }
    ASSERT_TRUE(handle.ok());
    pid_ = handle->pid();
    std::vector<protocol::Frame> frames = peer->TakeFrames();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(TypeOf(frames[0]), FrameType::kConnectAck);
    EXPECT_TRUE(std::get<protocol::WorkerRegisterAck>(frames[1].body).accepted());
    EXPECT_FALSE(handle->is_live());
  }
  runtime::Pid pid_ = runtime::kNoPid;
};

TEST_F(FirstSliceExitsBeforeInsert, NoOrphanSurvivesAndNoRegistrationIsLost) {
  RunScenario();
  EXPECT_FALSE(supervisor().IsTracked(pid_));  // the post-insert liveness check removed it
  rt_.RunUntilIdle();                          // the kNoProc monitor finds nothing to do
  EXPECT_EQ(supervisor().ReapCrashedConnections(), 0u);
  EXPECT_EQ(supervisor().ActiveCount(), 0u);
  EXPECT_EQ(notifier_.registered, std::vector<runtime::Pid>{pid_});
  EXPECT_EQ(notifier_.unregistered, std::vector<runtime::Pid>{pid_});
  EXPECT_EQ(sink_.Count(SupervisorEventKind::kReleased, pid_), 1);
}

TEST_F(FirstSliceExitsBeforeInsert, WithoutThePostInsertCheckAnOrphanIsLeftForTheReaper) {
  SupervisorOptions options;
  options.faults.skip_post_insert_liveness_check = true;
  MakeSupervisor(options);
  RunScenario();
  rt_.RunUntilIdle();
  EXPECT_TRUE(supervisor().IsTracked(pid_));  // the planted bug: an orphan record
  EXPECT_EQ(supervisor().ReapCrashedConnections(), 1u);
  EXPECT_EQ(notifier_.unregistered.size(), 1u);  // still exactly once
}

TEST_F(SupervisorTest, CloseBetweenSlotRegistrationAndEnqueueGivesDisconnectedNotTimeout) {
  Client a = Connect();
  // PushToConnection: lock, register slot, UNLOCK <here, no lock held>, enqueue + wake.
  OneShotHook hook(
      rt_,
      [](const SwitchPoint& p) { return p.kind == SwitchPointKind::kUnlock && p.locks_held == 0; },
      [&] {
        a.peer->Close();
        rt_.RunUntilIdle();  // the whole close path runs inside the window
      });
  hook.Arm();
  absl::StatusOr<PushReplyAwaiter> awaiter = supervisor().PushToConnection(a.handle.pid(), "x");
  rt_.scheduler().set_switch_hook(nullptr);
  ASSERT_TRUE(hook.fired());
  ASSERT_TRUE(awaiter.ok()) << awaiter.status();
  EXPECT_FALSE(supervisor().IsTracked(a.handle.pid()));
  const absl::Time start = rt_.clock().Now();
  EXPECT_EQ(awaiter->Receive(absl::Seconds(30)).outcome, PushOutcome::kDisconnected);
  EXPECT_LT(rt_.clock().Now() - start, absl::Seconds(1));
  EXPECT_EQ(CountType(a.peer->TakeFrames(), FrameType::kPush), 0);
  EXPECT_EQ(sink_.Count(SupervisorEventKind::kSlotCancelled, a.handle.pid()), 1);
}

TEST_F(SupervisorTest, WakeFailingAfterTheProcessDrainedTheControlIsReportedAsDelivered) {
  Client a = Connect();
  const runtime::Pid pid = a.handle.pid();
  rt_.scheduler().set_send_filter([pid](runtime::Pid to, const runtime::Message& m) {
    return !(to == pid && std::holds_alternative<runtime::Wake>(m));
  });
  // Just before the wake is sent, bytes arrive and the process runs: it drains the queue.
  OneShotHook hook(
      rt_, [pid](const SwitchPoint& p) { return p.kind == SwitchPointKind::kSend && p.pid == pid; },
      [&] {
        a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
        rt_.RunUntilIdle();
      });
  hook.Arm();
  absl::StatusOr<PushReplyAwaiter> awaiter = supervisor().PushToConnection(pid, "job");
  rt_.scheduler().set_switch_hook(nullptr);
  ASSERT_TRUE(hook.fired());
  ASSERT_TRUE(awaiter.ok()) << awaiter.status();  // truthfully delivered, not rolled back
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(CountType(frames, FrameType::kPush), 1);
  EXPECT_EQ(sink_.Count(SupervisorEventKind::kControlRolledBack, pid), 0);
  EXPECT_EQ(sink_.Count(SupervisorEventKind::kControlConsumed, pid), 1);
  a.peer->WriteFrame(protocol::MakeFrame(protocol::PushReply{awaiter->correlation_id(), "ok"}, 1));
  PushResult result = awaiter->Receive(absl::Seconds(5));
  EXPECT_EQ(result.outcome, PushOutcome::kReply);
  EXPECT_EQ(result.reply, "ok");
}

TEST_F(SupervisorTest, WakeFailingWithTheControlStillQueuedRollsItBackExactly) {
  Client a = Connect();
  const runtime::Pid pid = a.handle.pid();
  rt_.scheduler().set_send_filter([pid](runtime::Pid to, const runtime::Message& m) {
    return !(to == pid && std::holds_alternative<runtime::Wake>(m));
  });
  absl::StatusOr<PushReplyAwaiter> awaiter = supervisor().PushToConnection(pid, "job");
  EXPECT_EQ(awaiter.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sink_.Count(SupervisorEventKind::kControlRolledBack, pid), 1);
  EXPECT_EQ(supervisor().Snapshot().pending_slots.size(), 0u);
  // Later activity must not resurrect the rolled-back push.
  a.peer->WriteFrame(protocol::MakeFrame(protocol::Ping{}));
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  EXPECT_EQ(CountType(frames, FrameType::kPush), 0);
  EXPECT_EQ(CountType(frames, FrameType::kPong), 1);
  EXPECT_EQ(sink_.Count(SupervisorEventKind::kControlConsumed, pid), 0);
}

TEST_F(SupervisorTest, ForceCloseWithFailedWakeKillsTheProcessInstead) {
  Client a = Connect();
  const runtime::Pid pid = a.handle.pid();
  rt_.scheduler().set_send_filter([pid](runtime::Pid to, const runtime::Message& m) {
    return !(to == pid && std::holds_alternative<runtime::Wake>(m));
  });
  EXPECT_EQ(supervisor().ForceClose(pid), ControlOutcome::kRolledBack);
  rt_.RunUntilIdle();
  EXPECT_FALSE(a.handle.is_live());
  EXPECT_FALSE(supervisor().IsTracked(pid));
  EXPECT_TRUE(a.peer->server_closed());
}

TEST_F(SupervisorTest, WorkerRegisterHandledBeforeTheRecordExistsIsUnregisteredOnce) {
  auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler());
  peer->WriteFrame(ConnectFrame());
  peer->WriteFrame(RegisterFrame());
  OneShotHook hook(
      rt_, [](const SwitchPoint& p) { return p.kind == SwitchPointKind::kSpawn; },
      [this] { rt_.RunUntilIdle(); });
  hook.Arm();
  absl::StatusOr<ConnectionHandle> handle = supervisor().SpawnConnection(std::move(socket));
  rt_.scheduler().set_switch_hook(nullptr);
  ASSERT_TRUE(hook.fired());
  ASSERT_TRUE(handle.ok());
  EXPECT_TRUE(handle->is_live());
  EXPECT_TRUE(supervisor().IsTracked(handle->pid()));
  EXPECT_EQ(notifier_.registered, std::vector<runtime::Pid>{handle->pid()});
  EXPECT_EQ(CountType(peer->TakeFrames(), FrameType::kWorkerRegisterAck), 1);
  peer->Close();
  rt_.RunUntilIdle();
  EXPECT_EQ(notifier_.unregistered, std::vector<runtime::Pid>{handle->pid()});
}

TEST_F(SupervisorTest, ForceCloseAfterNotifyShutdownSendsOnlyOneDisconnect) {
  Client a = Connect();
  a.peer->WriteFrame(SubscribeFrame());
  rt_.RunUntilIdle();
  a.peer->TakeFrames();
  supervisor().NotifyShutdown();
  supervisor().ForceClose(a.handle.pid());
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  EXPECT_EQ(CountType(frames, FrameType::kDisconnect), 1);
  EXPECT_TRUE(a.peer->server_closed());
  EXPECT_EQ(sink_.Count(SupervisorEventKind::kFrameSent, a.handle.pid(),
                        static_cast<uint64_t>(FrameType::kDisconnect)),
            1);
}

TEST_F(SupervisorTest, ForceCloseAfterNotifyShutdownAlreadyHandledSendsNoSecondDisconnect) {
  Client a = Connect();
  a.peer->WriteFrame(SubscribeFrame());
  rt_.RunUntilIdle();
  a.peer->TakeFrames();
  supervisor().NotifyShutdown();
  rt_.RunUntilIdle();
  EXPECT_EQ(CountType(a.peer->TakeFrames(), FrameType::kDisconnect), 1);
  supervisor().ForceClose(a.handle.pid());
  rt_.RunUntilIdle();
  EXPECT_EQ(CountType(a.peer->TakeFrames(), FrameType::kDisconnect), 0);
  EXPECT_TRUE(a.peer->server_closed());
}

}  // namespace
}  // namespace liminal::server::testing

namespace liminal::server::testing {
namespace {

// Found by the simulation (shutdown-drain): a spawn admitted before Shutdown() but inserted
// after it used to be invisible to AwaitIdle, so the drain could finish while it lived.
TEST_F(SupervisorTest, ShutdownWaitsForASpawnThatWasAdmittedBeforeIt) {
  bool idle_seen_early = false;
  auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler());
  supervisor();  // create before arming the hook
  bool fired = false;
  rt_.scheduler().set_switch_hook([&](const liminal::testing::SwitchPoint& point) {
    // Between admission and insert (Spawn's switch point), the shutdown sequence runs.
    if (fired || point.kind != liminal::testing::SwitchPointKind::kSpawn) return;
    fired = true;
    supervisor().Shutdown();
    idle_seen_early = supervisor().AwaitIdle(absl::ZeroDuration());
  });
  absl::StatusOr<ConnectionHandle> handle = supervisor().SpawnConnection(std::move(socket));
  rt_.scheduler().set_switch_hook(nullptr);
  ASSERT_TRUE(fired);
  EXPECT_FALSE(idle_seen_early);
  ASSERT_TRUE(handle.ok());
  // The late insert saw the shutdown and force-closed the connection; now it is idle.
  EXPECT_TRUE(supervisor().AwaitIdle(absl::Seconds(5)));
  EXPECT_FALSE(handle->is_live());
  EXPECT_TRUE(peer->server_closed());
}

}  // namespace
}  // namespace liminal::server::testing
