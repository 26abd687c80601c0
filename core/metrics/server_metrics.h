// ServerMetrics: every metric liminald exports (server-behaviour.md §7), pre-created in one
// Registry so the core server only ever increments. Every update is a relaxed atomic on an
// object that already exists: no lock, no allocation, no lookup by name on the hot path.
//
//   ServerMetrics metrics;                                   // one per server
//   metrics.connections_total.Increment();
//   metrics.connections_current.Increment();
//   metrics.FramesIn(frame.type_id).Increment();             // any id; unknown -> "Unknown"
//   metrics.Publishes(PublishOutcome::kAcked).Increment();
//   metrics.durable_fsync_seconds.Observe(absl::ToDoubleSeconds(elapsed));
//   metrics.SetDrainState(DrainState::kDraining);
//   std::string text = metrics.RenderPrometheusText();      // for GET /metrics
//
// Exported names (all prefixed liminal_; counters end in _total):
//   connections_current                      gauge    open connections
//   connections_total                        counter  connections accepted
//   connections_rejected_total               counter  refused at accept (max_connections)
//   connections_force_closed_total           counter  closed by the drain's force-close step
//   frames_in_total{type}, frames_out_total{type}  counter  one series per frame type name
//                                                    (wire §2.1), plus type="Unknown" for in
//   publishes_total{outcome}                 counter  acked | duplicate | rejected
//   deliveries_total                         counter  Deliver frames queued to subscribers
//   acks_total{kind}                         counter  accept | reject | defer from subscribers
//   subscriptions_current                    gauge    live subscriptions
//   subscriptions_shed_total                 counter  slow consumers shed (E_SLOW_CONSUMER)
//   pushes_total{outcome}                    counter  replied | timeout | disconnected
//   push_latency_seconds                     histogram  push sent -> reply received
//   conversations_current                    gauge    open conversations
//   conversations_opened_total               counter
//   conversation_replies_total{outcome}      counter  replied | timeout | participant_crashed
//   durable_appends_total                    counter  messages appended to durable logs
//   durable_append_errors_total              counter  appends or fsyncs that failed (E_STORAGE)
//   durable_fsync_seconds                    histogram  fsync latency
//   durable_bytes_total                      counter  record bytes appended to durable logs
//   durable_log_bytes{channel}               gauge    bytes a durable channel's log holds
//   durable_segments_dropped_total{channel}  counter  log segments dropped by retention
//   permission_denied_total{operation,user}  counter  operations refused with E_FORBIDDEN
//                                                     (publish | subscribe | request |
//                                                     respond), per [[auth.users]] name
//   drain_state                              gauge    0 serving, 1 draining, 2 force-closing,
//                                                     3 stopped (server-behaviour.md §6)
#ifndef LIMINAL_CORE_METRICS_SERVER_METRICS_H_
#define LIMINAL_CORE_METRICS_SERVER_METRICS_H_

#include <array>
#include <cstdint>
#include <string>

#include "core/metrics/counter.h"
#include "core/metrics/gauge.h"
#include "core/metrics/histogram.h"
#include "core/metrics/registry.h"
#include "core/protocol/frame_type.h"

namespace liminal::metrics {

enum class PublishOutcome { kAcked, kDuplicate, kRejected };
enum class AckKind { kAccept, kReject, kDefer };
enum class PushOutcome { kReplied, kTimeout, kDisconnected };
enum class ConversationReplyOutcome { kReplied, kTimeout, kParticipantCrashed };

// The graceful-shutdown sequence's phase; exported as the value of liminal_drain_state.
enum class DrainState : int64_t { kServing = 0, kDraining = 1, kForceClosing = 2, kStopped = 3 };

class ServerMetrics {
 public:
  ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // The registry holding everything below. Other components may add their own metrics to it
  // so that one GET /metrics shows them all.
  Registry& registry() { return registry_; }
  std::string RenderPrometheusText() const { return registry_.RenderPrometheusText(); }

  // Per-frame-type counters, by wire type id. Ids outside the catalogue count as "Unknown"
  // for FramesIn; FramesOut of an unknown id also lands in "Unknown".
  Counter& FramesIn(uint8_t type_id) { return *frames_in_[type_id]; }
  Counter& FramesOut(uint8_t type_id) { return *frames_out_[type_id]; }
  Counter& FramesIn(protocol::FrameType type) { return FramesIn(static_cast<uint8_t>(type)); }
  Counter& FramesOut(protocol::FrameType type) { return FramesOut(static_cast<uint8_t>(type)); }

  Counter& Publishes(PublishOutcome outcome) { return *publishes_[static_cast<int>(outcome)]; }
  Counter& Acks(AckKind kind) { return *acks_[static_cast<int>(kind)]; }
  Counter& Pushes(PushOutcome outcome) { return *pushes_[static_cast<int>(outcome)]; }
  Counter& ConversationReplies(ConversationReplyOutcome outcome) {
    return *conversation_replies_[static_cast<int>(outcome)];
  }
  void SetDrainState(DrainState state) { drain_state.Set(static_cast<int64_t>(state)); }
  // Per durable channel; call once per channel, before the metrics are served.
  Gauge& AddDurableLogBytes(absl::string_view channel);
  Counter& AddDurableSegmentsDropped(absl::string_view channel);
  // Per configured user and operation (auth::OperationName). Get-or-create under the
  // registry's lock: register every user's series at startup, and cache the reference.
  Counter& PermissionDenied(absl::string_view user, absl::string_view operation);

 private:
  Registry registry_;  // declared first: the references below point into it

 public:
  Gauge& connections_current;
  Counter& connections_total;
  Counter& connections_rejected_total;
  Counter& connections_force_closed_total;
  Counter& deliveries_total;
  Gauge& subscriptions_current;
  Counter& subscriptions_shed_total;
  Histogram& push_latency_seconds;
  Gauge& conversations_current;
  Counter& conversations_opened_total;
  Counter& durable_appends_total;
  Counter& durable_append_errors_total;
  Histogram& durable_fsync_seconds;
  Counter& durable_bytes_total;
  Gauge& drain_state;

 private:
  std::array<Counter*, 256> frames_in_{};
  std::array<Counter*, 256> frames_out_{};
  std::array<Counter*, 3> publishes_{};
  std::array<Counter*, 3> acks_{};
  std::array<Counter*, 3> pushes_{};
  std::array<Counter*, 3> conversation_replies_{};
};

}  // namespace liminal::metrics

#endif  // LIMINAL_CORE_METRICS_SERVER_METRICS_H_
