// Regression tests for the core bugs the simulation found, each with a workload aimed at
// its race. While a bug is open it is listed in known_core_issues.h and its test here
// proves it still reproduces; once fixed, the entry goes and the test flips into a
// regression test, as for both bugs below.
#include "tests/sim/known_core_issues.h"

#include <cstdio>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "sim/harness/simulation.h"

namespace liminal::sim {
namespace {

// Clients connecting at the very instant the graceful shutdown starts: the acceptor is in
// the middle of SpawnConnection while Shutdown() and AwaitIdle() run.
Workload ConnectAtShutdown(uint32_t start_us) {
  Workload w;
  w.family = "connect-at-shutdown";
  for (int i = 0; i < 4; ++i) {
    ClientSpec c;
    c.start_us = start_us;
    c.ops = {ClientOp{ClientOpKind::kHandshake, 0, 0, 0}};
    w.clients.push_back(c);
  }
  w.shutdown.at_us = 1'000;
  w.shutdown.drain_us = 5'000;
  return w;
}

// Regression for the first core bug the simulation found (fixed in 346df89): a spawn that
// passed the shutting-down check before Shutdown() was invisible to AwaitIdle, so the
// shutdown sequence could finish, and flush, with that connection still alive.
TEST(FixedCoreIssueTest, SpawnRacingShutdownIsSeenByAwaitIdle) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    for (StrategyKind strategy : {StrategyKind::kRandom, StrategyKind::kPct}) {
      RunOptions options;
      options.strategy = strategy;
      const RunResult r = RunWorkload(ConnectAtShutdown(1'000), seed, options);
      ASSERT_TRUE(r.passed()) << "seed " << seed << " " << StrategyKindName(strategy) << ": "
                              << r.violation->invariant << ": " << r.violation->detail;
    }
  }
}

// A conversation's participant is stopped with a Wake when its connection closes; the
// runtime may fail that Wake (Scheduler::Send returns false), and then nobody stops it.
Workload ConversationThenCloseWithAFailedWake(bool fail_wake) {
  Workload w;
  w.family = "participant-stop-wake-fails";
  ClientSpec c;
  c.ops = {ClientOp{ClientOpKind::kHandshake, 0, 0, 0},
           ClientOp{ClientOpKind::kOpenConversation, 100, 1, 0},
           ClientOp{ClientOpKind::kConversationMessage, 100, 1, 1},
           ClientOp{ClientOpKind::kHalfClose, 2'000, 0, 0}};
  w.clients.push_back(c);
  if (fail_wake) w.faults.push_back(FaultAction{FaultKind::kFailWakes, 1'500, 99, 1});
  w.shutdown.at_us = 5'000;
  return w;
}

// Regression for the second core bug the simulation found: a participant whose stop wake
// failed was never stopped. ServiceSession::StopParticipant now kills it instead.
TEST(FixedCoreIssueTest, ParticipantIsStoppedEvenWhenItsStopWakeFails) {
  RunOptions options;
  options.services = ServicesKind::kReal;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    for (bool fail_wake : {true, false}) {
      const RunResult r =
          RunWorkload(ConversationThenCloseWithAFailedWake(fail_wake), seed, options);
      EXPECT_TRUE(r.passed()) << "seed " << seed << " fail_wake=" << fail_wake << ": "
                              << r.violation->invariant << ": " << r.violation->detail;
    }
  }
}

// An idle, connected client whose wakes fail right when the shutdown notifies everyone.
Workload NotifyWithFailingWakes(uint32_t failing_wakes) {
  Workload w;
  w.family = "notify-wake-fails";
  ClientSpec c;
  c.on_disconnect = DisconnectPolicy::kIgnore;  // stays until the force close
  c.ops = {ClientOp{ClientOpKind::kHandshake, 0, 0, 0}};
  w.clients.push_back(c);
  w.faults.push_back(FaultAction{FaultKind::kFailWakes, 900, 0, failing_wakes});
  w.shutdown.at_us = 1'000;
  w.shutdown.drain_us = 20'000;
  w.shutdown.every_connection = true;
  return w;
}

// Regression for the bug shutdown-notice-reaches-all found (mixed, seed 1): a NotifyShutdown
// control whose wake failed was rolled back, and that connection got no Disconnect for the
// whole drain. NotifyShutdown now retries the wake, then force-closes the connection.
TEST(FixedCoreIssueTest, ShutdownNoticeSurvivesAFailedWake) {
  for (uint32_t failing : {1u, 2u, 5u}) {  // retried; retried twice; given up: force close
    for (uint64_t seed = 1; seed <= 50; ++seed) {
      RunOptions options;
      options.swarm_faults = false;
      const RunResult r = RunWorkload(NotifyWithFailingWakes(failing), seed, options);
      EXPECT_TRUE(r.passed()) << "failing wakes " << failing << ", seed " << seed << ": "
                              << r.violation->invariant << ": " << r.violation->detail;
    }
  }
}

}  // namespace
}  // namespace liminal::sim
