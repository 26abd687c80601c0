#include "core/server/services/channel.h"

#include <algorithm>
#include <utility>

namespace liminal::server::services {

using runtime::MutexLock;

Channel::Channel(ChannelSpec spec, size_t index, std::unique_ptr<runtime::Mutex> mu,
                 absl::Duration dedup_window, ServiceMetrics metrics)
    : spec_(std::move(spec)),
      index_(index),
      metrics_(metrics),
      mu_(std::move(mu)),
      dedup_(dedup_window) {}

absl::Status Channel::ValidatePayload(std::string_view payload) const {
  if (spec_.validator == nullptr) return absl::OkStatus();
  return spec_.validator->Validate(payload);
}

Channel::PublishResult Channel::Publish(const SharedEnvelope& envelope,
                                        const std::optional<std::string>& idempotency_key,
                                        absl::Time now, WakeList& wakes) {
  PublishResult result;
  MutexLock lock(*mu_);
  if (idempotency_key.has_value()) {
    if (std::optional<uint64_t> original = dedup_.Find(*idempotency_key, now)) {
      result.message_id = *original;
      result.duplicate = true;
      return result;
    }
  }
  result.message_id = next_message_id_++;
  if (idempotency_key.has_value()) dedup_.Remember(*idempotency_key, result.message_id, now);
  size_t kept = 0;
  for (size_t i = 0; i < subscriptions_.size(); ++i) {
    std::shared_ptr<Subscription>& subscription = subscriptions_[i];
    switch (subscription->Enqueue(envelope)) {
      case Subscription::Enqueued::kQueuedNeedsWake:
        wakes.push_back(subscription);
        [[fallthrough]];
      case Subscription::Enqueued::kQueued:
        ++result.queued;
        break;
      case Subscription::Enqueued::kShed:
        metrics_.SubscriptionShed();
        wakes.push_back(std::move(subscription));
        continue;  // detached: not kept
      case Subscription::Enqueued::kClosed:
        metrics_.SubscriptionRemoved();
        continue;  // closed behind our back (cannot happen while attached); drop it
    }
    if (kept != i) subscriptions_[kept] = std::move(subscription);
    ++kept;
  }
  subscriptions_.resize(kept);
  return result;
}

void Channel::AddSubscription(std::shared_ptr<Subscription> subscription) {
  MutexLock lock(*mu_);
  subscriptions_.push_back(std::move(subscription));
  metrics_.SubscriptionAdded();
}

bool Channel::RemoveSubscription(Subscription& subscription) {
  bool removed = false;
  {
    MutexLock lock(*mu_);
    auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(),
                           [&](const auto& s) { return s.get() == &subscription; });
    if (it != subscriptions_.end()) {
      subscriptions_.erase(it);
      metrics_.SubscriptionRemoved();
      removed = true;
    }
  }
  subscription.Close();
  return removed;
}

size_t Channel::subscription_count() const {
  MutexLock lock(*mu_);
  return subscriptions_.size();
}

}  // namespace liminal::server::services
