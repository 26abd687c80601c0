#include "core/server/frame_tally.h"

#include <gtest/gtest.h>

#include "core/metrics/server_metrics.h"
#include "core/protocol/frame_type.h"

namespace liminal::server {
namespace {

using protocol::FrameType;

uint8_t Id(FrameType type) { return static_cast<uint8_t>(type); }

TEST(FrameTallyTest, CountsRunsOfEveryTypeExactlyOnceFlushed) {
  metrics::ServerMetrics metrics;
  FrameTally tally(SupervisorMetrics(&metrics), &SupervisorMetrics::FrameOut);
  for (int i = 0; i < 3; ++i) tally.Add(Id(FrameType::kDeliver));
  tally.Add(Id(FrameType::kPublishAck));
  // A change of type records the finished run at once; the open run waits for Flush.
  EXPECT_EQ(metrics.FramesOut(FrameType::kDeliver).Value(), 3u);
  EXPECT_EQ(metrics.FramesOut(FrameType::kPublishAck).Value(), 0u);
  tally.Add(Id(FrameType::kDeliver));
  tally.Flush();
  EXPECT_EQ(metrics.FramesOut(FrameType::kDeliver).Value(), 4u);
  EXPECT_EQ(metrics.FramesOut(FrameType::kPublishAck).Value(), 1u);
  tally.Flush();  // nothing open: records nothing
  EXPECT_EQ(metrics.FramesOut(FrameType::kDeliver).Value(), 4u);
  EXPECT_EQ(metrics.FramesIn(FrameType::kDeliver).Value(), 0u);
}

TEST(FrameTallyTest, WithoutMetricsCountsNothingAndDoesNotCrash) {
  FrameTally tally(SupervisorMetrics(nullptr), &SupervisorMetrics::FrameIn);
  tally.Add(Id(FrameType::kPublish));
  tally.Flush();
}

}  // namespace
}  // namespace liminal::server
