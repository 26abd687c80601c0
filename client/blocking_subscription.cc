#include "client/blocking_subscription.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/client_error.h"

namespace liminal::client {

SubscriptionHandlers BlockingSubscription::Queue::Handlers(const std::shared_ptr<Queue>& self) {
  return SubscriptionHandlers{
      .on_delivery =
          [self](const Subscription&, Delivery delivery) {
            absl::MutexLock lock(&self->mu);
            self->deliveries.push_back(std::move(delivery));
          },
      .on_end =
          [self](absl::Status why) {
            absl::MutexLock lock(&self->mu);
            self->ended = why.ok() ? CancelledError("unsubscribed") : std::move(why);
          },
  };
}

BlockingSubscription::BlockingSubscription(std::shared_ptr<IoThread> io, Subscription subscription,
                                           std::shared_ptr<Queue> queue, AckMode ack_mode)
    : io_(std::move(io)),
      subscription_(std::move(subscription)),
      queue_(std::move(queue)),
      ack_mode_(ack_mode) {}

BlockingSubscription::~BlockingSubscription() { subscription_.Unsubscribe(); }

absl::StatusOr<Delivery> BlockingSubscription::Next(absl::Duration timeout) {
  Queue& queue = *queue_;
  absl::MutexLock lock(&queue.mu);
  auto ready = [](Queue* q) ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu) {
    return !q->deliveries.empty() || q->ended.has_value();
  };
  queue.mu.AwaitWithTimeout(absl::Condition(+ready, &queue), timeout);
  if (!queue.deliveries.empty()) {
    Delivery delivery = std::move(queue.deliveries.front());
    queue.deliveries.pop_front();
    if (ack_mode_ == AckMode::kAuto) subscription_.Ack(delivery.seq);
    return delivery;
  }
  if (queue.ended.has_value()) return *queue.ended;
  return ClientTimeoutError(absl::StrCat("no delivery on '", subscription_.channel(), "' within ",
                                         absl::FormatDuration(timeout)));
}

absl::StatusOr<std::vector<Delivery>> BlockingSubscription::NextBatch(size_t max,
                                                                      absl::Duration timeout) {
  Queue& queue = *queue_;
  std::vector<Delivery> batch;
  {
    absl::MutexLock lock(&queue.mu);
    auto ready = [](Queue* q) ABSL_EXCLUSIVE_LOCKS_REQUIRED(q->mu) {
      return !q->deliveries.empty() || q->ended.has_value();
    };
    queue.mu.AwaitWithTimeout(absl::Condition(+ready, &queue), timeout);
    const size_t take = std::min(std::max<size_t>(max, 1), queue.deliveries.size());
    batch.reserve(take);
    for (size_t i = 0; i < take; ++i) {
      batch.push_back(std::move(queue.deliveries.front()));
      queue.deliveries.pop_front();
    }
    if (batch.empty()) {
      if (queue.ended.has_value()) return *queue.ended;
      return ClientTimeoutError(absl::StrCat("no delivery on '", subscription_.channel(),
                                             "' within ", absl::FormatDuration(timeout)));
    }
  }
  if (ack_mode_ == AckMode::kAuto) subscription_.Ack(batch.back().seq);
  return batch;
}

size_t BlockingSubscription::queued() const {
  absl::MutexLock lock(&queue_->mu);
  return queue_->deliveries.size();
}

}  // namespace liminal::client
