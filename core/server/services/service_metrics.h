// ServiceMetrics: the services' view of metrics::ServerMetrics. A copyable, null-safe handle
// (a null ServerMetrics* makes every call a no-op) with one method per event the services
// count, so call sites read as what happened rather than which series moves.
//
//   ServiceMetrics metrics(options.metrics);   // may be null
//   metrics.PublishAcked();  metrics.Delivered(3);  metrics.SubscriptionShed();
#ifndef LIMINAL_CORE_SERVER_SERVICES_SERVICE_METRICS_H_
#define LIMINAL_CORE_SERVER_SERVICES_SERVICE_METRICS_H_

#include <cstddef>

#include "core/metrics/server_metrics.h"

namespace liminal::server::services {

class ServiceMetrics {
 public:
  explicit ServiceMetrics(metrics::ServerMetrics* metrics = nullptr) : m_(metrics) {}

  void PublishAcked() const { Publish(metrics::PublishOutcome::kAcked); }
  void PublishDuplicate() const { Publish(metrics::PublishOutcome::kDuplicate); }
  void PublishRejected() const { Publish(metrics::PublishOutcome::kRejected); }
  void Delivered(size_t n) const {
    if (m_ != nullptr && n > 0) m_->deliveries_total.Increment(n);
  }
  void Ack(metrics::AckKind kind) const {
    if (m_ != nullptr) m_->Acks(kind).Increment();
  }
  void SubscriptionAdded() const {
    if (m_ != nullptr) m_->subscriptions_current.Increment();
  }
  void SubscriptionRemoved() const {
    if (m_ != nullptr) m_->subscriptions_current.Decrement();
  }
  // Shedding removes the subscription too.
  void SubscriptionShed() const {
    if (m_ == nullptr) return;
    m_->subscriptions_shed_total.Increment();
    m_->subscriptions_current.Decrement();
  }
  void ConversationOpened() const {
    if (m_ == nullptr) return;
    m_->conversations_opened_total.Increment();
    m_->conversations_current.Increment();
  }
  void ConversationEnded() const {
    if (m_ != nullptr) m_->conversations_current.Decrement();
  }
  void ConversationReply(metrics::ConversationReplyOutcome outcome) const {
    if (m_ != nullptr) m_->ConversationReplies(outcome).Increment();
  }

  void DurableAppended(size_t bytes) const {
    if (m_ == nullptr) return;
    m_->durable_appends_total.Increment();
    m_->durable_bytes_total.Increment(bytes);
  }
  void DurableError() const {
    if (m_ != nullptr) m_->durable_append_errors_total.Increment();
  }
  void FsyncObserved(absl::Duration took) const {
    if (m_ != nullptr) m_->durable_fsync_seconds.Observe(absl::ToDoubleSeconds(took));
  }
  // Per-channel instruments (null when not counted).
  metrics::Gauge* AddDurableLogBytes(absl::string_view channel) const {
    return m_ == nullptr ? nullptr : &m_->AddDurableLogBytes(channel);
  }
  metrics::Counter* AddDurableSegmentsDropped(absl::string_view channel) const {
    return m_ == nullptr ? nullptr : &m_->AddDurableSegmentsDropped(channel);
  }

 private:
  void Publish(metrics::PublishOutcome outcome) const {
    if (m_ != nullptr) m_->Publishes(outcome).Increment();
  }

  metrics::ServerMetrics* m_;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SERVICE_METRICS_H_
