#include "core/metrics/server_metrics.h"

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "core/protocol/frame_type.h"

namespace liminal::metrics {
namespace {

constexpr absl::string_view kFramesInHelp = "Frames received, by frame type.";
constexpr absl::string_view kFramesOutHelp = "Frames sent, by frame type.";

template <size_t N>
void AddLabelled(Registry& registry, absl::string_view name, absl::string_view help,
                 absl::string_view label, const std::array<absl::string_view, N>& values,
                 std::array<Counter*, N>& out) {
  for (size_t i = 0; i < N; ++i) {
    out[i] = &registry.AddCounter(name, help, {{std::string(label), std::string(values[i])}});
  }
}

}  // namespace

ServerMetrics::ServerMetrics()
    : connections_current(
          registry_.AddGauge("liminal_connections_current", "Connections currently open.")),
      connections_total(registry_.AddCounter("liminal_connections_total", "Connections accepted.")),
      connections_rejected_total(registry_.AddCounter(
          "liminal_connections_rejected_total",
          "Connections refused at accept because max_connections was reached.")),
      connections_force_closed_total(registry_.AddCounter(
          "liminal_connections_force_closed_total",
          "Connections closed by the force-close step of a graceful shutdown.")),
      deliveries_total(registry_.AddCounter("liminal_deliveries_total",
                                            "Deliver frames queued to subscribers.")),
      subscriptions_current(
          registry_.AddGauge("liminal_subscriptions_current", "Live subscriptions.")),
      subscriptions_shed_total(registry_.AddCounter(
          "liminal_subscriptions_shed_total",
          "Subscriptions shed because their pending queue overflowed (E_SLOW_CONSUMER).")),
      push_latency_seconds(
          registry_.AddHistogram("liminal_push_latency_seconds",
                                 "Time from writing a Push to receiving its PushReply, in seconds.",
                                 LatencySecondsBuckets())),
      conversations_current(
          registry_.AddGauge("liminal_conversations_current", "Conversations currently open.")),
      conversations_opened_total(
          registry_.AddCounter("liminal_conversations_opened_total", "Conversations opened.")),
      durable_appends_total(registry_.AddCounter("liminal_durable_appends_total",
                                                 "Messages appended to durable channel logs.")),
      durable_append_errors_total(
          registry_.AddCounter("liminal_durable_append_errors_total",
                               "Durable appends or fsyncs that failed (answered with E_STORAGE).")),
      durable_fsync_seconds(registry_.AddHistogram("liminal_durable_fsync_seconds",
                                                   "Latency of durable log fsyncs, in seconds.",
                                                   LatencySecondsBuckets())),
      durable_bytes_total(registry_.AddCounter("liminal_durable_bytes_total",
                                               "Envelope bytes appended to durable channel logs.")),
      drain_state(registry_.AddGauge(
          "liminal_drain_state",
          "Graceful shutdown phase: 0 serving, 1 draining, 2 force-closing, 3 stopped.")) {
  Counter& unknown_in =
      registry_.AddCounter("liminal_frames_in_total", kFramesInHelp, {{"type", "Unknown"}});
  Counter& unknown_out =
      registry_.AddCounter("liminal_frames_out_total", kFramesOutHelp, {{"type", "Unknown"}});
  for (int id = 0; id < 256; ++id) {
    frames_in_[id] = &unknown_in;
    frames_out_[id] = &unknown_out;
    if (!protocol::IsKnownFrameType(static_cast<uint8_t>(id))) continue;
    const std::string name(protocol::FrameTypeName(static_cast<protocol::FrameType>(id)));
    frames_in_[id] =
        &registry_.AddCounter("liminal_frames_in_total", kFramesInHelp, {{"type", name}});
    frames_out_[id] =
        &registry_.AddCounter("liminal_frames_out_total", kFramesOutHelp, {{"type", name}});
  }
  AddLabelled<3>(registry_, "liminal_publishes_total", "Publish requests, by outcome.", "outcome",
                 {"acked", "duplicate", "rejected"}, publishes_);
  AddLabelled<3>(registry_, "liminal_acks_total",
                 "Delivery acknowledgements from subscribers, by kind.", "kind",
                 {"accept", "reject", "defer"}, acks_);
  AddLabelled<3>(registry_, "liminal_pushes_total", "Pushes completed, by outcome.", "outcome",
                 {"replied", "timeout", "disconnected"}, pushes_);
  AddLabelled<3>(registry_, "liminal_conversation_replies_total",
                 "Replies to flagged conversation messages, by outcome.", "outcome",
                 {"replied", "timeout", "participant_crashed"}, conversation_replies_);
}

Gauge& ServerMetrics::AddDurableLogBytes(absl::string_view channel) {
  return registry_.AddGauge("liminal_durable_log_bytes",
                            "Bytes held by a durable channel's log (all retained segments).",
                            {{"channel", std::string(channel)}});
}

Counter& ServerMetrics::AddDurableSegmentsDropped(absl::string_view channel) {
  return registry_.AddCounter("liminal_durable_segments_dropped_total",
                              "Durable log segments dropped by retention.",
                              {{"channel", std::string(channel)}});
}

Counter& ServerMetrics::PermissionDenied(absl::string_view user, absl::string_view operation) {
  return registry_.AddCounter(
      "liminal_permission_denied_total",
      "Operations refused with E_FORBIDDEN because the user's permissions do not allow them.",
      {{"operation", std::string(operation)}, {"user", std::string(user)}});
}

}  // namespace liminal::metrics
