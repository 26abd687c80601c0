// Each invariant checker against small hand-written histories: a good history passes,
// and each way of breaking the property is reported.
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/frame.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/invariants/awaiters_end.h"
#include "sim/invariants/control_accounting.h"
#include "sim/invariants/disconnect_once.h"
#include "sim/invariants/drain_bound.h"
#include "sim/invariants/inbox_bound.h"
#include "sim/invariants/nothing_left.h"
#include "sim/invariants/records_match_processes.h"
#include "sim/invariants/release_once.h"
#include "sim/invariants/reply_slot_accounting.h"
#include "sim/invariants/shutdown_notice.h"
#include "sim/invariants/timeout_means_alive.h"
#include "sim/invariants/unregister_once.h"

namespace liminal::sim {
namespace {

using server::SupervisorEventKind;
using ::testing::HasSubstr;
using ::testing::Optional;

const absl::Time kT0 = absl::UnixEpoch();
const std::vector<InboundBacklog> kNoInbound;

TimedEvent E(SupervisorEventKind kind, runtime::Pid pid, uint64_t id = 0, absl::Time at = kT0) {
  return TimedEvent{{kind, pid, id}, at};
}

// Feeds events until one is reported.
std::optional<std::string> Feed(InvariantChecker& checker, const std::vector<TimedEvent>& events) {
  for (const TimedEvent& e : events) {
    if (auto v = checker.OnEvent(e)) return v;
  }
  return std::nullopt;
}

struct EndFixture {
  server::SupervisorSnapshot snapshot;
  std::vector<PushReport> pushes;
  std::vector<NotifierCall> notifier_calls;
  DrainReport drain = [] {
    DrainReport report;
    report.started = report.finished = report.idle_after_force = true;
    report.drain_timeout = absl::Milliseconds(10);
    return report;
  }();
  EndOfRun End() { return EndOfRun{kT0, snapshot, {}, {}, pushes, drain, {}, notifier_calls, {}}; }
};

TEST(ReplySlotAccountingTest, ASlotEndsExactlyOnce) {
  ReplySlotAccounting good;
  EXPECT_EQ(Feed(good, {E(SupervisorEventKind::kSlotRegistered, 1, 1),
                        E(SupervisorEventKind::kSlotReplied, 1, 1),
                        E(SupervisorEventKind::kAwaiterReply, 1, 1)}),
            std::nullopt);
  ReplySlotAccounting twice;
  EXPECT_THAT(Feed(twice, {E(SupervisorEventKind::kSlotRegistered, 1, 1),
                           E(SupervisorEventKind::kSlotCancelled, 1, 1),
                           E(SupervisorEventKind::kSlotTimedOut, 1, 1)}),
              Optional(HasSubstr("ended twice")));
}

TEST(ReplySlotAccountingTest, APendingSlotMustHaveARecord) {
  ReplySlotAccounting checker;
  ASSERT_EQ(Feed(checker, {E(SupervisorEventKind::kSlotRegistered, 4, 9)}), std::nullopt);
  server::SupervisorSnapshot snapshot;
  snapshot.pending_slots = {{9, 4}};
  const std::vector<runtime::Pid> live = {4};
  snapshot.records = {{4, false}};
  EXPECT_EQ(checker.OnState({kT0, snapshot, live, true, kNoInbound, 0}), std::nullopt);
  snapshot.records.clear();
  EXPECT_THAT(checker.OnState({kT0, snapshot, live, false, kNoInbound, 0}),
              Optional(HasSubstr("no record")));
  EndFixture end;
  EXPECT_THAT(checker.AtEnd(end.End()), Optional(HasSubstr("never resolved")));
}

TEST(ControlAccountingTest, EachControlMeetsOneFate) {
  ControlAccounting good;
  EXPECT_EQ(Feed(good, {E(SupervisorEventKind::kControlEnqueued, 2, 1),
                        E(SupervisorEventKind::kControlConsumed, 2, 1),
                        // reported out of order by a preempted enqueuer: still fine
                        E(SupervisorEventKind::kControlDiscarded, 2, 2),
                        E(SupervisorEventKind::kControlEnqueued, 2, 2)}),
            std::nullopt);
  EndFixture end;
  EXPECT_EQ(good.AtEnd(end.End()), std::nullopt);

  ControlAccounting twice;
  EXPECT_THAT(Feed(twice, {E(SupervisorEventKind::kControlEnqueued, 2, 1),
                           E(SupervisorEventKind::kControlRolledBack, 2, 1),
                           E(SupervisorEventKind::kControlConsumed, 2, 1)}),
              Optional(HasSubstr("control-rolled-back and then control-consumed")));

  ControlAccounting stuck;
  ASSERT_EQ(Feed(stuck, {E(SupervisorEventKind::kControlEnqueued, 3, 1)}), std::nullopt);
  server::SupervisorSnapshot snapshot;
  const std::vector<runtime::Pid> live;
  EXPECT_EQ(stuck.OnState({kT0, snapshot, live, false, kNoInbound, 0}), std::nullopt);
  EXPECT_THAT(stuck.OnState({kT0, snapshot, live, true, kNoInbound, 0}),
              Optional(HasSubstr("still queued")));
}

TEST(UnregisterOnceTest, TheNotifierIsToldOnceAndOnlyForAcceptedRegistrations) {
  using K = NotifierCall::Kind;
  EXPECT_THAT(UnregisterOnce::Check({{K::kRejected, 5}, {K::kUnregistered, 5}}),
              Optional(HasSubstr("never accepted a registration from it (1 rejected)")));
  EXPECT_THAT(
      UnregisterOnce::Check(
          {{K::kAccepted, 5}, {K::kAccepted, 5}, {K::kUnregistered, 5}, {K::kUnregistered, 5}}),
      Optional(HasSubstr("told twice")));
  EXPECT_THAT(UnregisterOnce::Check({{K::kAccepted, 6}}), Optional(HasSubstr("never told")));
  EXPECT_EQ(UnregisterOnce::Check({{K::kAccepted, 6}, {K::kRejected, 7}, {K::kUnregistered, 6}}),
            std::nullopt);
  UnregisterOnce checker;
  EndFixture end;
  end.notifier_calls = {{K::kAccepted, 6}};
  EXPECT_THAT(checker.AtEnd(end.End()), Optional(HasSubstr("pid 6")));
  end.notifier_calls.push_back({K::kUnregistered, 6});
  EXPECT_EQ(checker.AtEnd(end.End()), std::nullopt);
}

TEST(ReplySlotAccountingTest, AReplyMustArriveOnTheOwnersConnection) {
  ReplySlotAccounting stolen;
  EXPECT_THAT(Feed(stolen, {E(SupervisorEventKind::kSlotRegistered, 1, 7),
                            E(SupervisorEventKind::kSlotReplied, 2, 7)}),
              Optional(HasSubstr("arrived on pid 2's connection")));
}

TEST(TimeoutMeansAliveTest, ATimeoutAfterTheConnectionEndedIsReported) {
  TimeoutMeansAlive alive;
  EXPECT_EQ(Feed(alive, {E(SupervisorEventKind::kSlotRegistered, 1, 1),
                         E(SupervisorEventKind::kAwaiterTimeout, 1, 1),
                         E(SupervisorEventKind::kReleased, 1)}),
            std::nullopt);
  TimeoutMeansAlive dead;
  EXPECT_THAT(Feed(dead, {E(SupervisorEventKind::kSlotRegistered, 1, 1),
                          E(SupervisorEventKind::kRecordRemoved, 1),
                          E(SupervisorEventKind::kAwaiterTimeout, 1, 1)}),
              Optional(HasSubstr("must be Disconnected")));
}

TEST(ShutdownNoticeTest, EveryOpenConnectionGetsItsDisconnectDuringTheDrain) {
  const uint64_t kDisconnect = static_cast<uint64_t>(protocol::FrameType::kDisconnect);
  EndFixture end;
  end.drain.notify_every_connection = true;
  end.drain.open_at_drain_end = {1, 2};
  end.drain.drain_end_event = 2;
  ShutdownNotice good;
  ASSERT_EQ(Feed(good, {E(SupervisorEventKind::kFrameSent, 1, kDisconnect),
                        E(SupervisorEventKind::kFrameSent, 2, kDisconnect)}),
            std::nullopt);
  EXPECT_EQ(good.AtEnd(end.End()), std::nullopt);
  ShutdownNotice late;
  ASSERT_EQ(Feed(late, {E(SupervisorEventKind::kFrameSent, 1, kDisconnect),
                        E(SupervisorEventKind::kSocketClosed, 3),
                        E(SupervisorEventKind::kFrameSent, 2, kDisconnect)}),
            std::nullopt);
  EXPECT_THAT(late.AtEnd(end.End()), Optional(HasSubstr("only by the force close")));
  end.drain.notify_every_connection = false;  // subscribers only: no such promise
  EXPECT_EQ(late.AtEnd(end.End()), std::nullopt);
}

TEST(DisconnectOnceTest, OneDisconnectBeforeTheClose) {
  const uint64_t kDisconnect = 0x04;
  DisconnectOnce twice;
  EXPECT_THAT(Feed(twice, {E(SupervisorEventKind::kFrameSent, 1, kDisconnect),
                           E(SupervisorEventKind::kFrameSent, 1, 0x14),
                           E(SupervisorEventKind::kFrameSent, 1, kDisconnect)}),
              Optional(HasSubstr("second Disconnect")));
  DisconnectOnce late;
  EXPECT_THAT(Feed(late, {E(SupervisorEventKind::kSocketClosed, 1),
                          E(SupervisorEventKind::kFrameSent, 1, kDisconnect)}),
              Optional(HasSubstr("after closing")));
  DisconnectOnce good;
  EXPECT_EQ(Feed(good, {E(SupervisorEventKind::kFrameSent, 1, kDisconnect),
                        E(SupervisorEventKind::kSocketClosed, 1),
                        E(SupervisorEventKind::kFrameSent, 2, kDisconnect)}),
            std::nullopt);
}

TEST(ReleaseOnceTest, EveryConnectionIsReleasedExactlyOnce) {
  ReleaseOnce twice;
  EXPECT_THAT(
      Feed(twice, {E(SupervisorEventKind::kSpawned, 1), E(SupervisorEventKind::kReleased, 1),
                   E(SupervisorEventKind::kReleased, 1)}),
      Optional(HasSubstr("released twice")));
  ReleaseOnce never;
  ASSERT_EQ(Feed(never, {E(SupervisorEventKind::kSpawned, 1), E(SupervisorEventKind::kSpawned, 2),
                         E(SupervisorEventKind::kReleased, 1)}),
            std::nullopt);
  EndFixture end;
  EXPECT_THAT(never.AtEnd(end.End()), Optional(HasSubstr("pid 2 was never released")));
}

TEST(RecordsMatchProcessesTest, OnlyAtQuiescence) {
  RecordsMatchProcesses checker;
  server::SupervisorSnapshot snapshot;
  snapshot.records = {{1, false}, {3, false}};
  const std::vector<runtime::Pid> live = {1, 2};
  EXPECT_EQ(checker.OnState({kT0, snapshot, live, false, kNoInbound, 0}), std::nullopt);
  EXPECT_THAT(checker.OnState({kT0, snapshot, live, true, kNoInbound, 0}),
              Optional(HasSubstr("orphan record")));
  snapshot.records = {{1, false}};
  EXPECT_THAT(checker.OnState({kT0, snapshot, live, true, kNoInbound, 0}),
              Optional(HasSubstr("process 2 is alive but has no record")));
}

TEST(InboxBoundTest, UnhandledInputMayExceedTheBoundByOneReadOnly) {
  InboxBound checker;
  server::SupervisorSnapshot snapshot;
  const std::vector<runtime::Pid> live = {3};
  // 100 bytes were within the bound of 128 when the socket read 60 more: allowed.
  const std::vector<InboundBacklog> within = {{1, 3, 160, 60}};
  EXPECT_EQ(checker.OnState({kT0, snapshot, live, false, within, 128}), std::nullopt);
  // 200 bytes before the last read of 60: the socket read above the bound.
  const std::vector<InboundBacklog> over = {{1, 3, 260, 60}};
  EXPECT_THAT(checker.OnState({kT0, snapshot, live, false, over, 128}),
              Optional(HasSubstr("connection 1 (pid 3) holds 260 bytes of unhandled input")));
}

TEST(AwaitersEndTest, ADisconnectedAwaiterMustNotWaitOutItsTimeout) {
  AwaitersEnd checker;
  ASSERT_EQ(checker.OnEvent(E(SupervisorEventKind::kReleased, 7, 0, kT0 + absl::Milliseconds(2))),
            std::nullopt);
  EndFixture end;
  PushReport prompt;
  prompt.called = prompt.returned = true;
  prompt.pid = 7;
  prompt.outcome = server::PushOutcome::kDisconnected;
  prompt.started = kT0 + absl::Milliseconds(1);
  prompt.ended = kT0 + absl::Milliseconds(2);
  end.pushes = {prompt};
  EXPECT_EQ(checker.AtEnd(end.End()), std::nullopt);
  PushReport slow = prompt;
  slow.ended = kT0 + absl::Milliseconds(31);
  end.pushes = {slow};
  EXPECT_THAT(checker.AtEnd(end.End()), Optional(HasSubstr("waited out its timeout")));
  PushReport stuck = prompt;
  stuck.returned = false;
  end.pushes = {stuck};
  EXPECT_THAT(checker.AtEnd(end.End()), Optional(HasSubstr("never returned")));
}

TEST(DrainBoundAndNothingLeftTest, ReportWhatOutlivedTheShutdown) {
  EndFixture fixture;
  EndOfRun end = fixture.End();
  DrainBound drain;
  NothingLeft nothing;
  EXPECT_EQ(drain.AtEnd(end), std::nullopt);
  EXPECT_EQ(nothing.AtEnd(end), std::nullopt);
  end.drain.idle_after_force = false;
  EXPECT_THAT(drain.AtEnd(end), Optional(HasSubstr("still tracked")));
  end.live_processes = {"4 (connection)"};
  EXPECT_THAT(nothing.AtEnd(end), Optional(HasSubstr("processes left behind after shutdown: 4")));
  end.live_processes.clear();
  end.stuck_fibers = {"f9(app:2) blocked on condition 1"};
  EXPECT_THAT(nothing.AtEnd(end), Optional(HasSubstr("blocked forever")));
}

}  // namespace
}  // namespace liminal::sim
