// SupervisorMetrics: the connection supervisor's and connection processes' view of
// metrics::ServerMetrics. A copyable, null-safe handle (a null ServerMetrics* makes every
// call a no-op), one method per event, as services::ServiceMetrics is for the services.
//
//   SupervisorMetrics metrics(options.metrics);   // may be null (unit tests, simulation)
//   metrics.ConnectionAccepted();  metrics.FrameIn(type_id);  metrics.Push(outcome);
#ifndef LIMINAL_CORE_SERVER_SUPERVISOR_METRICS_H_
#define LIMINAL_CORE_SERVER_SUPERVISOR_METRICS_H_

#include <cstdint>
#include <string_view>

#include "absl/time/time.h"
#include "core/metrics/server_metrics.h"

namespace liminal::server {

class SupervisorMetrics {
 public:
  explicit SupervisorMetrics(metrics::ServerMetrics* metrics = nullptr) : m_(metrics) {}

  void ConnectionRejected() const {
    if (m_ != nullptr) m_->connections_rejected_total.Increment();
  }
  void ConnectionAccepted() const {
    if (m_ == nullptr) return;
    m_->connections_total.Increment();
    m_->connections_current.Increment();
  }
  void ConnectionReleased() const {
    if (m_ != nullptr) m_->connections_current.Decrement();
  }
  void ConnectionForceClosed() const {
    if (m_ != nullptr) m_->connections_force_closed_total.Increment();
  }
  void PushEnded(metrics::PushOutcome outcome) const {
    if (m_ != nullptr) m_->Pushes(outcome).Increment();
  }
  void PushReplied(absl::Duration latency) const {
    if (m_ != nullptr) m_->push_latency_seconds.Observe(absl::ToDoubleSeconds(latency));
  }
  // The permission-denied counter of (user, operation), created at 0 on first call; null
  // without metrics. Callers keep the pointer (the series lives as long as the metrics).
  metrics::Counter* PermissionDeniedCounter(std::string_view user,
                                            std::string_view operation) const {
    if (m_ == nullptr) return nullptr;
    return &m_->PermissionDenied({user.data(), user.size()}, {operation.data(), operation.size()});
  }
  void FrameIn(uint8_t type_id, uint64_t n = 1) const {
    if (m_ != nullptr) m_->FramesIn(type_id).Increment(n);
  }
  void FrameOut(uint8_t type_id, uint64_t n = 1) const {
    if (m_ != nullptr) m_->FramesOut(type_id).Increment(n);
  }

 private:
  metrics::ServerMetrics* m_;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_SUPERVISOR_METRICS_H_
