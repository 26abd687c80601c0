// The shared graceful-shutdown sequence (core/server/assembly/graceful_shutdown.h) on the
// manual runtime: the steps in order, the Disconnect during the drain, the force close of a
// peer that stays, a ForceNow() that cuts the drain short, and the typed flush error.
#include "core/server/assembly/graceful_shutdown.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/server/supervisor_fixture.h"

namespace liminal::server::testing {
namespace {

using protocol::FrameType;

class RecordingShutdownObserver final : public ShutdownObserver {
 public:
  void OnStoppedAccepting() override { steps.push_back("stopped-accepting"); }
  void OnNotified(bool every_connection) override {
    steps.push_back(every_connection ? "notified-all" : "notified-subscribers");
  }
  void OnDrainEnded(bool drained, bool forced_early, size_t remaining) override {
    steps.push_back(std::string("drain-ended ") + (drained ? "drained" : "not-drained") +
                    (forced_early ? " forced" : "") + " " + std::to_string(remaining));
  }
  void OnForceCloseEnded(bool idle, size_t remaining) override {
    steps.push_back(std::string("force-close-ended ") + (idle ? "idle" : "busy") + " " +
                    std::to_string(remaining));
  }
  void OnFlushed(const absl::Status& status) override {
    steps.push_back(status.ok() ? "flushed" : "flush-failed");
  }
  std::vector<std::string> steps;
};

using GracefulShutdownTest = SupervisorTest;

TEST_F(GracefulShutdownTest, APeerThatStaysGetsDisconnectDuringTheDrainThenIsForceClosed) {
  Client stays = Connect();
  GracefulShutdown shutdown(supervisor(), {.drain_timeout = absl::Milliseconds(10)}, nullptr);
  RecordingShutdownObserver observer;
  const ShutdownReport report = shutdown.Run(&observer);

  EXPECT_FALSE(report.drained);
  EXPECT_FALSE(report.forced_early);
  EXPECT_EQ(report.force_closed, 1u);
  EXPECT_TRUE(report.idle_after_force);
  EXPECT_TRUE(report.flushed.ok());
  EXPECT_EQ(observer.steps, (std::vector<std::string>{"stopped-accepting", "notified-all",
                                                      "drain-ended not-drained 1",
                                                      "force-close-ended idle 0", "flushed"}));
  // One Disconnect (the notice), not a second one from the force close.
  EXPECT_EQ(CountType(stays.peer->TakeFrames(), FrameType::kDisconnect), 1);
  EXPECT_FALSE(supervisor().IsTracked(stays.handle.pid()));
  // Shutdown() ran: later connections are refused.
  auto [socket, peer] = liminal::testing::MakeSocketPair(rt_.scheduler());
  EXPECT_FALSE(supervisor().SpawnConnection(std::move(socket)).ok());
}

TEST_F(GracefulShutdownTest, ForceNowCutsTheDrainShort) {
  Client stays = Connect();
  GracefulShutdown shutdown(supervisor(), {.drain_timeout = absl::Hours(1)}, nullptr);
  shutdown.ForceNow();  // as a second signal would, before the drain waits
  const absl::Time before = rt_.clock().Now();
  const ShutdownReport report = shutdown.Run();
  EXPECT_TRUE(report.forced_early);
  EXPECT_TRUE(report.idle_after_force);
  EXPECT_LT(rt_.clock().Now() - before, absl::Minutes(1));
  EXPECT_FALSE(supervisor().IsTracked(stays.handle.pid()));
}

TEST_F(GracefulShutdownTest, AnEmptyServerDrainsAtOnceAndAFailedFlushIsTyped) {
  services_.flush_status = absl::DataLossError("disk full");
  GracefulShutdown shutdown(supervisor(), {}, nullptr);
  const ShutdownReport report = shutdown.Run();
  EXPECT_TRUE(report.drained);
  EXPECT_EQ(report.force_closed, 0u);
  EXPECT_TRUE(IsShutdownFlushError(report.flushed)) << report.flushed;
  services_.flush_status = absl::OkStatus();
}

}  // namespace
}  // namespace liminal::server::testing
