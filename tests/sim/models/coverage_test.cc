// Coverage (sim/harness/coverage.h) from a hand-made event history: what is counted, what
// is listed as never reached, and that merging adds up.
#include "sim/harness/coverage.h"

#include <string>
#include <vector>

#include "core/protocol/frame_type.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liminal::sim {
namespace {

using server::CloseRoute;
using server::SupervisorEventKind;
using ::testing::HasSubstr;
using ::testing::Not;

TimedEvent At(SupervisorEventKind kind, runtime::Pid pid, uint64_t id) {
  return TimedEvent{{kind, pid, id}, absl::UnixEpoch()};
}

TEST(CoverageTest, CountsWhatTheRunReachedAndListsWhatItNeverDid) {
  const auto frame = [](protocol::FrameType type) { return static_cast<uint64_t>(type); };
  const std::vector<TimedEvent> events = {
      At(SupervisorEventKind::kFrameReceived, 1, frame(protocol::FrameType::kConnect)),
      At(SupervisorEventKind::kFrameSent, 1, frame(protocol::FrameType::kConnectAck)),
      At(SupervisorEventKind::kErrorSent, 1, 0x0102),  // E_SLOW_CONSUMER
      At(SupervisorEventKind::kControlEnqueued, 1, 1),
      At(SupervisorEventKind::kControlEnqueued, 1, 2),
      At(SupervisorEventKind::kControlRolledBack, 1, 1),  // control 2 still queued behind
      At(SupervisorEventKind::kControlConsumed, 1, 2),
      At(SupervisorEventKind::kClosed, 1, static_cast<uint64_t>(CloseRoute::kReaped)),
  };
  Coverage coverage = CoverageOf(events, {0, 3, 0, 0, 0});
  EXPECT_EQ(coverage.rollbacks_with_control_behind, 1u);
  coverage.Merge(coverage);
  EXPECT_EQ(coverage.rollbacks_with_control_behind, 2u);

  const std::string text = FormatCoverage(coverage);
  EXPECT_THAT(text, HasSubstr("frames sent: ConnectAck=2\n"));
  EXPECT_THAT(text, HasSubstr("frames received: Connect=2\n"));
  EXPECT_THAT(text, HasSubstr("error codes sent: E_SLOW_CONSUMER=2\n"));
  EXPECT_THAT(text, HasSubstr("close routes: reaped=2\n"));
  EXPECT_THAT(text, HasSubstr("fault points fired: short-write=6\n"));
  // Never reached, per direction: the server never sends Connect, never receives ConnectAck.
  EXPECT_THAT(text, HasSubstr("never: Disconnect"));
  EXPECT_THAT(text, Not(HasSubstr("never: Connect ")));
  EXPECT_THAT(text, HasSubstr("peer-closed"));
  EXPECT_THAT(text, HasSubstr("E_REPLY_TIMEOUT"));
}

}  // namespace
}  // namespace liminal::sim
