#include "core/server/services/pubsub/subscription.h"

#include <algorithm>
#include <utility>
#include <variant>

namespace liminal::server::services {

using runtime::MutexLock;

Subscription::Subscription(Params params, std::unique_ptr<runtime::Mutex> mu)
    : params_(std::move(params)),
      mu_(std::move(mu)),
      credit_(params_.max_in_flight + (params_.fault_credit_off_by_one ? 1 : 0)) {
  if (params_.stream_sequence == nullptr) {
    params_.stream_sequence = std::make_shared<StreamSequence>();  // a stream of its own
  }
}

Subscription::Enqueued Subscription::Enqueue(const SharedEnvelope& envelope, uint64_t message_id) {
  MutexLock lock(*mu_);
  if (closed_) return Enqueued::kClosed;
  if (pending_.size() >= params_.pending_limit) {
    closed_ = true;
    pending_.clear();
    shed_.store(true, std::memory_order_release);
    return Enqueued::kShed;
  }
  pending_.push_back({envelope, message_id});
  if (!armed_ || params_.fault_lose_wake) return Enqueued::kQueued;
  armed_ = false;
  return Enqueued::kQueuedNeedsWake;
}

void Subscription::Rearm() {
  MutexLock lock(*mu_);
  if (!closed_) armed_ = true;
}

void Subscription::Close() {
  std::deque<QueuedMessage> dropped;
  {
    MutexLock lock(*mu_);
    closed_ = true;
    dropped.swap(pending_);
  }
  // Owner-side state is only touched here when called by the owner (unsubscribe) or after
  // the owner stopped running (release), never concurrently with Pump.
  redeliver_.clear();
  redeliver_old_seqs_.clear();
  batch_.clear();
  credit_.Clear();
}

size_t Subscription::pending_size() const {
  MutexLock lock(*mu_);
  return pending_.size();
}

bool Subscription::Defer(uint64_t seq) {
  QueuedMessage message = credit_.Take(seq);
  if (message.envelope == nullptr) return false;
  if (params_.fault_defer_twice) redeliver_.push_back(message);             // planted bug
  if (params_.fault_redeliver_old_seq) redeliver_old_seqs_.push_back(seq);  // planted bug
  redeliver_.push_back(std::move(message));
  return true;
}

std::optional<uint64_t> Subscription::AcknowledgedThrough() const {
  if (!last_taken_id_.has_value()) return std::nullopt;
  uint64_t next_unacknowledged = *last_taken_id_ + 1;
  auto lower = [&](uint64_t id) { next_unacknowledged = std::min(next_unacknowledged, id); };
  if (!batch_.empty()) lower(batch_.front().message_id);
  for (const QueuedMessage& message : redeliver_) lower(message.message_id);
  if (std::optional<uint64_t> in_flight = credit_.MinOutstandingMessageId()) lower(*in_flight);
  return next_unacknowledged - 1;
}

Subscription::PumpStop Subscription::Pump(ConnectionOutput& out, size_t& delivered) {
  if (shed()) return PumpStop::kShed;
  for (;;) {
    if (params_.acks && !credit_.HasCredit()) return PumpStop::kNoCredit;
    if (!out.HasOutboundRoom()) return PumpStop::kNoRoom;
    std::deque<QueuedMessage>* source = !redeliver_.empty() ? &redeliver_
                                        : !batch_.empty()   ? &batch_
                                                            : nullptr;
    if (source == nullptr) {
      // Refill the local batch with as much as the free credit allows, under one lock.
      MutexLock lock(*mu_);
      if (closed_) return shed() ? PumpStop::kShed : PumpStop::kIdle;
      if (pending_.empty()) {
        armed_ = true;
        return PumpStop::kIdle;
      }
      const size_t take =
          params_.acks ? std::min(pending_.size(), credit_.available()) : pending_.size();
      for (size_t i = 0; i < take; ++i) {
        batch_.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      if (take > 0) last_taken_id_ = batch_.back().message_id;
      continue;
    }
    QueuedMessage message = std::move(source->front());
    source->pop_front();
    if (params_.acks) {
      const SharedEnvelope sent = message.envelope;
      uint64_t seq = credit_.Record(std::move(message));
      if (source == &redeliver_ && !redeliver_old_seqs_.empty()) {  // planted bug
        seq = redeliver_old_seqs_.front();
        redeliver_old_seqs_.pop_front();
      }
      out.SendDeliver(params_.stream_id, seq, params_.schema_id, sent);
    } else {
      out.SendDeliver(params_.stream_id, params_.stream_sequence->Next(), params_.schema_id,
                      message.envelope);
    }
    ++delivered;
  }
}

}  // namespace liminal::server::services
