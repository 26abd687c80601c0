// The reference supervisor's pinned behaviours (issue appendix), on the manual runtime.
#include "core/metrics/server_metrics.h"
#include "core/server/connection_supervisor.h"
#include "gtest/gtest.h"
#include "tests/unit/server/supervisor_fixture.h"

namespace liminal::server::testing {
namespace {

using protocol::FrameType;

TEST_F(SupervisorTest, TwoConnectionsGetDistinctLiveTrackedPids) {
  Client a = Connect("10.0.0.1:1");
  Client b = Connect("10.0.0.2:2");
  EXPECT_NE(a.handle.pid(), b.handle.pid());
  EXPECT_TRUE(a.handle.is_live());
  EXPECT_TRUE(b.handle.is_live());
  EXPECT_TRUE(supervisor().IsTracked(a.handle.pid()));
  EXPECT_TRUE(supervisor().IsTracked(b.handle.pid()));
  EXPECT_EQ(supervisor().ActiveCount(), 2u);
  EXPECT_EQ(supervisor().ActivePids(), (std::vector<runtime::Pid>{a.handle.pid(), b.handle.pid()}));
  EXPECT_EQ(a.handle.peer_address(), "10.0.0.1:1");
}

TEST_F(SupervisorTest, KilledConnectionIsUntrackedByReapWhileOtherStays) {
  Client a = Connect();
  Client b = Connect();
  a.handle.request_crash();
  EXPECT_FALSE(a.handle.is_live());
  // The exit monitor is queued but has not run: the reap is the safety net that finds it.
  EXPECT_EQ(supervisor().ReapCrashedConnections(), 1u);
  EXPECT_FALSE(supervisor().IsTracked(a.handle.pid()));
  EXPECT_TRUE(supervisor().IsTracked(b.handle.pid()));
  rt_.RunUntilIdle();  // the monitor now finds nothing left to do
  EXPECT_EQ(supervisor().ReapCrashedConnections(), 0u);
  EXPECT_EQ(supervisor().ActiveCount(), 1u);
  EXPECT_EQ(services_.sessions_released, 1);
  EXPECT_TRUE(a.peer->server_closed());
}

TEST_F(SupervisorTest, ExitMonitorUntracksCrashedConnectionWithoutAReap) {
  Client a = Connect();
  a.handle.request_crash();
  rt_.RunUntilIdle();
  EXPECT_FALSE(supervisor().IsTracked(a.handle.pid()));
  EXPECT_EQ(services_.sessions_released, 1);
  EXPECT_EQ(supervisor().ReapCrashedConnections(), 0u);
}

TEST_F(SupervisorTest, ForceCloseSendsDisconnectToSubscribedClientThenUntracks) {
  Client a = Connect();
  a.peer->WriteFrame(SubscribeFrame());
  rt_.RunUntilIdle();
  ASSERT_EQ(CountType(a.peer->TakeFrames(), FrameType::kSubscribeAck), 1);

  EXPECT_EQ(supervisor().ForceClose(a.handle.pid()), ControlOutcome::kDelivered);
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kDisconnect);
  EXPECT_TRUE(a.peer->server_closed());
  EXPECT_FALSE(supervisor().IsTracked(a.handle.pid()));
  EXPECT_FALSE(a.handle.is_live());
}

TEST_F(SupervisorTest, NotifyShutdownDisconnectsSubscribedConnectionsAndKeepsThemTracked) {
  Client subscribed = Connect();
  Client idle = Connect();
  subscribed.peer->WriteFrame(SubscribeFrame());
  rt_.RunUntilIdle();
  subscribed.peer->TakeFrames();

  supervisor().NotifyShutdown();
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = subscribed.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(TypeOf(frames[0]), FrameType::kDisconnect);
  EXPECT_TRUE(idle.peer->TakeFrames().empty());
  EXPECT_TRUE(supervisor().IsTracked(subscribed.handle.pid()));
  EXPECT_TRUE(supervisor().IsTracked(idle.handle.pid()));
  EXPECT_FALSE(subscribed.peer->server_closed());

  // Once only: a second notify sends nothing more.
  supervisor().NotifyShutdown();
  rt_.RunUntilIdle();
  EXPECT_TRUE(subscribed.peer->TakeFrames().empty());
}

TEST_F(SupervisorTest, NotifyShutdownToEveryConnectionReachesIdleOnesToo) {
  Client idle = Connect();
  supervisor().NotifyShutdown(/*every_connection=*/true);
  rt_.RunUntilIdle();
  EXPECT_EQ(CountType(idle.peer->TakeFrames(), FrameType::kDisconnect), 1);
}

TEST_F(SupervisorTest, FailingFlushSurfacesAsShutdownFlushError) {
  services_.flush_status = absl::DataLossError("disk full");
  absl::Status status = supervisor().FlushDurableState();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(IsShutdownFlushError(status)) << status;
  EXPECT_NE(status.message().find("disk full"), absl::string_view::npos);
  services_.flush_status = absl::OkStatus();
  EXPECT_TRUE(supervisor().FlushDurableState().ok());
}

TEST_F(SupervisorTest, PushAwaiterGetsDisconnectedPromptlyWhenConnectionFinishes) {
  Client a = Connect();
  absl::StatusOr<PushReplyAwaiter> awaiter = supervisor().PushToConnection(a.handle.pid(), "job");
  ASSERT_TRUE(awaiter.ok()) << awaiter.status();
  rt_.RunUntilIdle();
  ASSERT_EQ(CountType(a.peer->TakeFrames(), FrameType::kPush), 1);
  a.peer->Close();  // finish: the process runs its close path
  const absl::Time start = rt_.clock().Now();
  PushResult result = awaiter->Receive(absl::Seconds(30));
  EXPECT_EQ(result.outcome, PushOutcome::kDisconnected);
  EXPECT_LT(rt_.clock().Now() - start, absl::Seconds(1));
}

TEST_F(SupervisorTest, PushAwaiterGetsDisconnectedPromptlyWhenConnectionCrashes) {
  Client a = Connect();
  absl::StatusOr<PushReplyAwaiter> awaiter = supervisor().PushToConnection(a.handle.pid(), "job");
  ASSERT_TRUE(awaiter.ok());
  a.handle.request_crash();
  const absl::Time start = rt_.clock().Now();
  PushResult result = awaiter->Receive(absl::Seconds(30));
  EXPECT_EQ(result.outcome, PushOutcome::kDisconnected);
  EXPECT_LT(rt_.clock().Now() - start, absl::Seconds(1));
}

TEST_F(SupervisorTest, PushAwaiterGetsDisconnectedWhenConnectionIsReaped) {
  Client a = Connect();
  absl::StatusOr<PushReplyAwaiter> awaiter = supervisor().PushToConnection(a.handle.pid(), "job");
  ASSERT_TRUE(awaiter.ok());
  a.handle.request_crash();
  EXPECT_EQ(supervisor().ReapCrashedConnections(), 1u);
  EXPECT_EQ(awaiter->Receive(absl::Seconds(30)).outcome, PushOutcome::kDisconnected);
}

TEST_F(SupervisorTest, ClosingOneConnectionWakesOnlyItsAwaiters) {
  Client a = Connect();
  Client b = Connect();
  auto on_a = supervisor().PushToConnection(a.handle.pid(), "to-a");
  auto on_b = supervisor().PushToConnection(b.handle.pid(), "to-b");
  ASSERT_TRUE(on_a.ok() && on_b.ok());
  a.peer->Close();
  EXPECT_EQ(on_a->Receive(absl::Seconds(5)).outcome, PushOutcome::kDisconnected);
  // B is alive and silent: its awaiter runs into its timeout.
  const absl::Time start = rt_.clock().Now();
  EXPECT_EQ(on_b->Receive(absl::Seconds(5)).outcome, PushOutcome::kTimeout);
  EXPECT_GE(rt_.clock().Now() - start, absl::Seconds(5));
  EXPECT_TRUE(b.handle.is_live());
}

TEST_F(SupervisorTest, ReplyBeforeCloseIsReturnedAndNotDisturbedByTheClose) {
  Client a = Connect();
  auto awaiter = supervisor().PushToConnection(a.handle.pid(), "job");
  ASSERT_TRUE(awaiter.ok());
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  const auto& push = std::get<protocol::Push>(frames[0].body);
  EXPECT_EQ(frames[0].stream_id, 1u);
  EXPECT_EQ(push.payload, "job");
  EXPECT_EQ(push.correlation_id, awaiter->correlation_id());
  a.peer->WriteFrame(protocol::MakeFrame(protocol::PushReply{push.correlation_id, "done"}, 1));
  a.peer->Close();
  rt_.RunUntilIdle();
  PushResult result = awaiter->Receive(absl::Seconds(5));
  EXPECT_EQ(result.outcome, PushOutcome::kReply);
  EXPECT_EQ(result.reply, "done");
}

TEST_F(SupervisorTest, CorrelationIdsAreMonotonic) {
  Client a = Connect();
  auto first = supervisor().PushToConnection(a.handle.pid(), "1");
  auto second = supervisor().PushToConnection(a.handle.pid(), "2");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->correlation_id(), 1u);
  EXPECT_EQ(second->correlation_id(), 2u);
}

TEST_F(SupervisorTest, ReplyFromAnotherConnectionDoesNotResolveThePush) {
  Client a = Connect();
  Client b = Connect();
  auto awaiter = supervisor().PushToConnection(a.handle.pid(), "job");
  ASSERT_TRUE(awaiter.ok());
  b.peer->WriteFrame(protocol::MakeFrame(protocol::PushReply{awaiter->correlation_id(), "x"}, 1));
  rt_.RunUntilIdle();
  EXPECT_EQ(awaiter->Receive(absl::Seconds(1)).outcome, PushOutcome::kTimeout);
}

TEST_F(SupervisorTest, PushToUnknownPidIsDisconnectedImmediately) {
  auto awaiter = supervisor().PushToConnection(999, "job");
  ASSERT_TRUE(awaiter.ok());
  const absl::Time start = rt_.clock().Now();
  EXPECT_EQ(awaiter->Receive(absl::Seconds(30)).outcome, PushOutcome::kDisconnected);
  EXPECT_EQ(rt_.clock().Now(), start);
}

TEST_F(SupervisorTest, WorkerRegistrationAcceptedAndUnregisteredOnceOnDrop) {
  Client a = Connect();
  a.peer->WriteFrame(RegisterFrame());
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(std::get<protocol::WorkerRegisterAck>(frames[0].body).accepted());
  EXPECT_EQ(notifier_.registered, std::vector<runtime::Pid>{a.handle.pid()});
  a.peer->Close();
  rt_.RunUntilIdle();
  EXPECT_EQ(notifier_.unregistered, std::vector<runtime::Pid>{a.handle.pid()});
}

TEST_F(SupervisorTest, NotifierSeesTheActivityCensus) {
  const std::vector<protocol::ActivityCensusEntry> census = {
      {"send", R"({"type":"object"})", R"({"type":"string"})"},
      {"bounce", "", ""},
  };
  protocol::Frame frame = RegisterFrame();
  std::get<protocol::WorkerRegister>(frame.body).activities = census;
  Client a = Connect();
  a.peer->WriteFrame(frame);
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(std::get<protocol::WorkerRegisterAck>(frames[0].body).accepted());
  ASSERT_EQ(notifier_.registrations.size(), 1u);
  EXPECT_EQ(notifier_.registrations[0].activities, census);
  EXPECT_EQ(notifier_.registrations[0], std::get<protocol::WorkerRegister>(frame.body));
}

TEST_F(SupervisorTest, WorkerRegistrationRejectedCarriesTextAndNeverUnregisters) {
  notifier_.reject_with = "queue q is closed";
  Client a = Connect();
  a.peer->WriteFrame(RegisterFrame());
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  const auto& ack = std::get<protocol::WorkerRegisterAck>(frames[0].body);
  EXPECT_FALSE(ack.accepted());
  EXPECT_EQ(ack.rejection_reason, "queue q is closed");
  a.handle.request_crash();
  rt_.RunUntilIdle();
  EXPECT_TRUE(notifier_.unregistered.empty());
}

TEST_F(SupervisorTest, WorkerRegistrationWithoutNotifierIsAccepted) {
  use_notifier_ = false;
  Client a = Connect();
  a.peer->WriteFrame(RegisterFrame());
  rt_.RunUntilIdle();
  std::vector<protocol::Frame> frames = a.peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(std::get<protocol::WorkerRegisterAck>(frames[0].body).accepted());
}

TEST_F(SupervisorTest, SecondRegistrationReplacesFirstAndUnregistersOnce) {
  Client a = Connect();
  a.peer->WriteFrame(RegisterFrame("w1"));
  a.peer->WriteFrame(RegisterFrame("w2"));
  rt_.RunUntilIdle();
  EXPECT_EQ(CountType(a.peer->TakeFrames(), FrameType::kWorkerRegisterAck), 2);
  a.handle.request_crash();
  rt_.RunUntilIdle();
  EXPECT_EQ(notifier_.unregistered.size(), 1u);
}

TEST_F(SupervisorTest, ShutdownUnregistersEveryStoredRegistrationOnce) {
  Client a = Connect();
  Client b = Connect();
  a.peer->WriteFrame(RegisterFrame("a"));
  b.peer->WriteFrame(RegisterFrame("b"));
  rt_.RunUntilIdle();
  supervisor().Shutdown();
  EXPECT_TRUE(supervisor().AwaitIdle(absl::Seconds(5)));
  EXPECT_EQ(notifier_.unregistered, (std::vector<runtime::Pid>{a.handle.pid(), b.handle.pid()}));
  // New connections are refused while shutting down, with a typed error.
  auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler());
  EXPECT_FALSE(supervisor().SpawnConnection(std::move(socket)).ok());
  std::vector<protocol::Frame> frames = peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(std::get<protocol::ConnectError>(frames[0].body).reason_code,
            protocol::ToWire(protocol::ReasonCode::kShuttingDown));
}

TEST_F(SupervisorTest, MaxConnectionsRefusesWithLimitError) {
  SupervisorOptions options;
  options.max_connections = 1;
  MakeSupervisor(options);
  Connect();
  auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler());
  absl::StatusOr<ConnectionHandle> refused = supervisor().SpawnConnection(std::move(socket));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  std::vector<protocol::Frame> frames = peer->TakeFrames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(std::get<protocol::ConnectError>(frames[0].body).reason_code,
            protocol::ToWire(protocol::ReasonCode::kLimit));
  EXPECT_TRUE(peer->server_closed());
}

TEST_F(SupervisorTest, EveryCloseRouteReleasesTheSessionExactlyOnce) {
  Client finished = Connect();
  Client crashed = Connect();
  Client reaped = Connect();
  Client forced = Connect();
  finished.peer->Close();
  crashed.handle.request_crash();
  reaped.handle.request_crash();
  supervisor().ReapCrashedConnections();
  supervisor().ForceClose(forced.handle.pid());
  rt_.RunUntilIdle();
  supervisor().ReapCrashedConnections();
  EXPECT_EQ(services_.sessions_opened, 4);
  EXPECT_EQ(services_.sessions_released, 4);
  EXPECT_EQ(supervisor().ActiveCount(), 0u);
  for (const Client* c : {&finished, &crashed, &reaped, &forced}) {
    EXPECT_EQ(sink_.Count(SupervisorEventKind::kReleased, c->handle.pid()), 1);
  }
}

}  // namespace
}  // namespace liminal::server::testing

namespace liminal::server::testing {
namespace {

TEST_F(SupervisorTest, MetricsCountConnectionsFramesAndPushes) {
  metrics::ServerMetrics metrics;
  SupervisorOptions options;
  options.metrics = &metrics;
  options.max_connections = 2;
  MakeSupervisor(options);
  Client a = Connect();
  Client b = Connect();
  auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler());
  EXPECT_FALSE(supervisor().SpawnConnection(std::move(socket)).ok());
  EXPECT_EQ(metrics.connections_total.Value(), 2u);
  EXPECT_EQ(metrics.connections_current.Value(), 2);
  EXPECT_EQ(metrics.connections_rejected_total.Value(), 1u);
  EXPECT_EQ(metrics.FramesIn(protocol::FrameType::kConnect).Value(), 2u);
  EXPECT_EQ(metrics.FramesOut(protocol::FrameType::kConnectAck).Value(), 2u);

  auto awaiter = supervisor().PushToConnection(a.handle.pid(), "job");
  ASSERT_TRUE(awaiter.ok());
  rt_.RunUntilIdle();
  a.peer->WriteFrame(protocol::MakeFrame(protocol::PushReply{awaiter->correlation_id(), "ok"}, 1));
  EXPECT_EQ(awaiter->Receive(absl::Seconds(1)).outcome, PushOutcome::kReply);
  EXPECT_EQ(metrics.Pushes(metrics::PushOutcome::kReplied).Value(), 1u);

  b.peer->Close();
  rt_.RunUntilIdle();
  EXPECT_EQ(metrics.connections_current.Value(), 1);
  supervisor().Shutdown();
  rt_.RunUntilIdle();
  EXPECT_EQ(metrics.connections_force_closed_total.Value(), 1u);
  EXPECT_EQ(metrics.connections_current.Value(), 0);
}

}  // namespace
}  // namespace liminal::server::testing

namespace liminal::server::testing {
namespace {

struct AsyncOutcome {
  bool done = false;
  PushResult result;
};

PushCallback Capture(AsyncOutcome& out) {
  return [&out](PushResult result) {
    EXPECT_FALSE(out.done) << "push callback ran twice";
    out.done = true;
    out.result = std::move(result);
  };
}

TEST_F(SupervisorTest, AsyncPushDeliversTheReplyThroughItsCallback) {
  Client a = Connect();
  AsyncOutcome out;
  absl::StatusOr<uint64_t> id =
      supervisor().PushToConnectionAsync(a.handle.pid(), "job", absl::Seconds(5), Capture(out));
  ASSERT_TRUE(id.ok());
  rt_.RunUntilIdle();
  ASSERT_EQ(CountType(a.peer->TakeFrames(), protocol::FrameType::kPush), 1);
  EXPECT_FALSE(out.done);
  a.peer->WriteFrame(protocol::MakeFrame(protocol::PushReply{*id, "done"}, 1));
  rt_.RunUntilIdle();
  ASSERT_TRUE(out.done);
  EXPECT_EQ(out.result.outcome, PushOutcome::kReply);
  EXPECT_EQ(out.result.reply, "done");
  rt_.RunFor(absl::Seconds(10));  // the cancelled timer never fires a second completion
}

TEST_F(SupervisorTest, AsyncPushTimesOutWhileTheConnectionLives) {
  Client a = Connect();
  AsyncOutcome out;
  ASSERT_TRUE(supervisor()
                  .PushToConnectionAsync(a.handle.pid(), "job", absl::Seconds(2), Capture(out))
                  .ok());
  rt_.RunFor(absl::Milliseconds(1999));
  EXPECT_FALSE(out.done);
  rt_.RunFor(absl::Milliseconds(1));
  ASSERT_TRUE(out.done);
  EXPECT_EQ(out.result.outcome, PushOutcome::kTimeout);
}

TEST_F(SupervisorTest, AsyncPushIsDisconnectedPromptlyWhenTheConnectionCrashes) {
  Client a = Connect();
  AsyncOutcome out;
  ASSERT_TRUE(supervisor()
                  .PushToConnectionAsync(a.handle.pid(), "job", absl::Seconds(30), Capture(out))
                  .ok());
  a.handle.request_crash();
  rt_.RunUntilIdle();  // no virtual time passes
  ASSERT_TRUE(out.done);
  EXPECT_EQ(out.result.outcome, PushOutcome::kDisconnected);
}

TEST_F(SupervisorTest, AsyncPushToUnknownPidCompletesDisconnected) {
  AsyncOutcome out;
  ASSERT_TRUE(supervisor().PushToConnectionAsync(42, "job", absl::Seconds(30), Capture(out)).ok());
  EXPECT_FALSE(out.done);  // never inline, always posted
  rt_.RunUntilIdle();
  ASSERT_TRUE(out.done);
  EXPECT_EQ(out.result.outcome, PushOutcome::kDisconnected);
}

TEST_F(SupervisorTest, AsyncPushRolledBackNeverRunsItsCallback) {
  Client a = Connect();
  const runtime::Pid pid = a.handle.pid();
  rt_.scheduler().set_send_filter([pid](runtime::Pid to, const runtime::Message& m) {
    return !(to == pid && std::holds_alternative<runtime::Wake>(m));
  });
  AsyncOutcome out;
  absl::StatusOr<uint64_t> id =
      supervisor().PushToConnectionAsync(pid, "job", absl::Seconds(1), Capture(out));
  EXPECT_EQ(id.status().code(), absl::StatusCode::kUnavailable);
  rt_.RunFor(absl::Seconds(5));
  EXPECT_FALSE(out.done);
}

}  // namespace
}  // namespace liminal::server::testing
