#include "core/server/services/subscription.h"

#include <algorithm>
#include <utility>
#include <variant>

namespace liminal::server::services {

using runtime::MutexLock;

Subscription::Subscription(Params params, std::unique_ptr<runtime::Mutex> mu)
    : params_(std::move(params)), mu_(std::move(mu)), credit_(params_.max_in_flight) {
  if (params_.stream_sequence == nullptr) {
    params_.stream_sequence = std::make_shared<StreamSequence>();  // a stream of its own
  }
}

Subscription::Enqueued Subscription::Enqueue(const SharedEnvelope& envelope) {
  MutexLock lock(*mu_);
  if (closed_) return Enqueued::kClosed;
  if (pending_.size() >= params_.pending_limit) {
    closed_ = true;
    pending_.clear();
    shed_.store(true, std::memory_order_release);
    return Enqueued::kShed;
  }
  pending_.push_back(envelope);
  if (!armed_) return Enqueued::kQueued;
  armed_ = false;
  return Enqueued::kQueuedNeedsWake;
}

void Subscription::Rearm() {
  MutexLock lock(*mu_);
  if (!closed_) armed_ = true;
}

void Subscription::Close() {
  std::deque<SharedEnvelope> dropped;
  {
    MutexLock lock(*mu_);
    closed_ = true;
    dropped.swap(pending_);
  }
  // Owner-side state is only touched here when called by the owner (unsubscribe) or after
  // the owner stopped running (release), never concurrently with Pump.
  redeliver_.clear();
  batch_.clear();
  credit_.Clear();
}

size_t Subscription::pending_size() const {
  MutexLock lock(*mu_);
  return pending_.size();
}

bool Subscription::Defer(uint64_t seq) {
  SharedEnvelope envelope = credit_.Take(seq);
  if (envelope == nullptr) return false;
  redeliver_.push_back(std::move(envelope));
  return true;
}

Subscription::PumpStop Subscription::Pump(ConnectionOutput& out, size_t& delivered) {
  if (shed()) return PumpStop::kShed;
  for (;;) {
    if (params_.acks && !credit_.HasCredit()) return PumpStop::kNoCredit;
    if (!out.HasOutboundRoom()) return PumpStop::kNoRoom;
    std::deque<SharedEnvelope>* source = !redeliver_.empty() ? &redeliver_
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
      continue;
    }
    SharedEnvelope envelope = std::move(source->front());
    source->pop_front();
    if (params_.acks) {
      const protocol::Envelope& sent = *envelope;  // the credit window keeps it alive
      const uint64_t seq = credit_.Record(std::move(envelope));
      out.SendDeliver(params_.stream_id, seq, params_.schema_id, sent);
    } else {
      out.SendDeliver(params_.stream_id, params_.stream_sequence->Next(), params_.schema_id,
                      *envelope);
    }
    ++delivered;
  }
}

}  // namespace liminal::server::services
