#include "core/metrics/server_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "core/protocol/frame_type.h"

namespace liminal::metrics {
namespace {

using ::testing::HasSubstr;

TEST(ServerMetricsTest, RegistersEverythingCleanly) {
  ServerMetrics metrics;
  EXPECT_TRUE(metrics.registry().registration_status().ok())
      << metrics.registry().registration_status();
}

TEST(ServerMetricsTest, ExportsEveryFamilyOfServerBehaviourSection7) {
  ServerMetrics metrics;
  const std::string text = metrics.RenderPrometheusText();
  for (const char* family : {
           "liminal_connections_current gauge",
           "liminal_connections_total counter",
           "liminal_connections_rejected_total counter",
           "liminal_connections_force_closed_total counter",
           "liminal_frames_in_total counter",
           "liminal_frames_out_total counter",
           "liminal_publishes_total counter",
           "liminal_deliveries_total counter",
           "liminal_acks_total counter",
           "liminal_subscriptions_current gauge",
           "liminal_subscriptions_shed_total counter",
           "liminal_pushes_total counter",
           "liminal_push_latency_seconds histogram",
           "liminal_conversations_current gauge",
           "liminal_conversations_opened_total counter",
           "liminal_conversation_replies_total counter",
           "liminal_durable_appends_total counter",
           "liminal_durable_append_errors_total counter",
           "liminal_durable_fsync_seconds histogram",
           "liminal_drain_state gauge",
       }) {
    EXPECT_THAT(text, HasSubstr(std::string("# TYPE ") + family + "\n")) << family;
  }
  for (const char* series : {
           "liminal_publishes_total{outcome=\"acked\"} 0",
           "liminal_publishes_total{outcome=\"duplicate\"} 0",
           "liminal_publishes_total{outcome=\"rejected\"} 0",
           "liminal_acks_total{kind=\"accept\"} 0",
           "liminal_acks_total{kind=\"reject\"} 0",
           "liminal_acks_total{kind=\"defer\"} 0",
           "liminal_pushes_total{outcome=\"replied\"} 0",
           "liminal_pushes_total{outcome=\"timeout\"} 0",
           "liminal_pushes_total{outcome=\"disconnected\"} 0",
           "liminal_conversation_replies_total{outcome=\"participant_crashed\"} 0",
           "liminal_frames_in_total{type=\"Unknown\"} 0",
       }) {
    EXPECT_THAT(text, HasSubstr(std::string(series) + "\n")) << series;
  }
}

TEST(ServerMetricsTest, PreCreatesOneSeriesPerFrameTypeNamedLikeTheProtocol) {
  ServerMetrics metrics;
  const std::string text = metrics.RenderPrometheusText();
  for (int id = 0x01; id <= 0x19; ++id) {
    const std::string name(protocol::FrameTypeName(static_cast<protocol::FrameType>(id)));
    ASSERT_FALSE(name.empty()) << id;
    EXPECT_THAT(text, HasSubstr("liminal_frames_in_total{type=\"" + name + "\"} 0\n"));
    EXPECT_THAT(text, HasSubstr("liminal_frames_out_total{type=\"" + name + "\"} 0\n"));
    EXPECT_NE(&metrics.FramesIn(static_cast<uint8_t>(id)), &metrics.FramesIn(uint8_t{0}));
  }
}

TEST(ServerMetricsTest, FrameCountersLandOnTheirType) {
  ServerMetrics metrics;
  metrics.FramesIn(protocol::FrameType::kPublish).Increment();
  metrics.FramesIn(uint8_t{0x09}).Increment();
  metrics.FramesOut(protocol::FrameType::kPublishAck).Increment(3);
  metrics.FramesIn(uint8_t{0x00}).Increment();
  metrics.FramesIn(uint8_t{0xEE}).Increment();
  const std::string text = metrics.RenderPrometheusText();
  EXPECT_THAT(text, HasSubstr("liminal_frames_in_total{type=\"Publish\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("liminal_frames_out_total{type=\"PublishAck\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("liminal_frames_in_total{type=\"Unknown\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("liminal_frames_in_total{type=\"Connect\"} 0\n"));
}

TEST(ServerMetricsTest, LabelledCountersAndDrainState) {
  ServerMetrics metrics;
  metrics.Publishes(PublishOutcome::kDuplicate).Increment();
  metrics.Acks(AckKind::kDefer).Increment(2);
  metrics.Pushes(PushOutcome::kDisconnected).Increment();
  metrics.ConversationReplies(ConversationReplyOutcome::kTimeout).Increment();
  metrics.connections_current.Increment();
  metrics.durable_fsync_seconds.Observe(0.003);
  metrics.SetDrainState(DrainState::kForceClosing);
  const std::string text = metrics.RenderPrometheusText();
  EXPECT_THAT(text, HasSubstr("liminal_publishes_total{outcome=\"duplicate\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("liminal_acks_total{kind=\"defer\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("liminal_pushes_total{outcome=\"disconnected\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("liminal_conversation_replies_total{outcome=\"timeout\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("liminal_connections_current 1\n"));
  EXPECT_THAT(text, HasSubstr("liminal_durable_fsync_seconds_bucket{le=\"0.005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("liminal_durable_fsync_seconds_bucket{le=\"0.0025\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("liminal_drain_state 2\n"));
}

TEST(ServerMetricsTest, RenderingIsDeterministic) {
  ServerMetrics a;
  ServerMetrics b;
  EXPECT_EQ(a.RenderPrometheusText(), b.RenderPrometheusText());
  EXPECT_EQ(a.RenderPrometheusText(), a.RenderPrometheusText());
}

}  // namespace
}  // namespace liminal::metrics
