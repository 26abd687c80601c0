// Subscription: one client subscription, shared between the publishers that fan messages
// into it (any connection's process) and the subscriber's connection process, which moves
// them out as Deliver frames (server-behaviour.md §3).
//
// Publisher side (caller holds the channel's mutex):
//   switch (subscription->Enqueue(envelope, message_id)) {
//     case Enqueued::kQueuedNeedsWake: wake subscription->owner() (after unlocking); break;
//     case Enqueued::kShed: detach it from the channel and wake the owner to report; break;
//     ...
//   }
//   if (!scheduler.Send(owner, runtime::Wake{})) subscription->Rearm();
//
// Owner side (the subscriber's process, from ConnectionSession::Pump):
//   PumpStop stop = subscription->Pump(out, delivered);
//   subscription->Accept(seq);  Reject(seq);  Defer(seq);
//
// Credit is opt-in (reference-compat.md §2): only a subscription whose Subscribe set ACKS has
// a CreditWindow gating it at max_in_flight and honours Accept/Reject/Defer. Without ACKS
// (the reference SDK) deliveries are bounded only by the pending queue and the connection's
// outbound room, and delivery_seq comes from the stream's StreamSequence, which every
// subscription on that stream shares (several may share one stream without ACKS).
//
// Wakes: the subscription is "armed" when its owner last found the shared queue empty; only
// then does the next Enqueue ask for a wake, so a busy subscriber gets at most one Wake in
// flight and a subscriber blocked on credit or socket room gets none (its own Accept frames
// or SocketDrained re-pump it). Messages move in three stages: the shared pending queue
// (bounded by `pending_limit`; overflow sheds the subscription), a local batch taken under
// one lock (at most the free credit), then the CreditWindow once sent. Deferred messages
// are redelivered first, under a new delivery_seq.
#ifndef LIMINAL_CORE_SERVER_SERVICES_SUBSCRIPTION_H_
#define LIMINAL_CORE_SERVER_SERVICES_SUBSCRIPTION_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "core/protocol/frame.h"
#include "core/runtime/mutex.h"
#include "core/runtime/pid.h"
#include "core/server/connection_services.h"
#include "core/server/services/pubsub/credit_window.h"
#include "core/server/services/pubsub/shared_envelope.h"
#include "core/server/services/pubsub/stream_sequence.h"

namespace liminal::server::services {

class Subscription {
 public:
  struct Params {
    uint64_t id = 0;         // per connection, from 1
    uint32_t stream_id = 0;  // the Subscribe's stream; Deliver frames use it
    runtime::Pid owner = runtime::kNoPid;
    protocol::SchemaId schema_id{};  // the selected schema (SubscribeAck); every Deliver's
    bool acks = false;               // Subscribe flag ACKS: credit applies
    uint32_t max_in_flight = 1;      // from the Subscribe frame (> 0); used with `acks`
    size_t pending_limit = 1;        // limits.max_subscription_inbox_depth (> 0)
    // Without `acks`: the delivery_seq counter of the stream, shared with the stream's other
    // subscriptions (owner-side only); null means a stream of its own. Unused with `acks`.
    std::shared_ptr<StreamSequence> stream_sequence{};
    // Planted bugs (fault_hooks.h): credit_off_by_one, lose_subscriber_wake,
    // defer_redelivers_twice, redeliver_under_old_seq.
    bool fault_credit_off_by_one = false;
    bool fault_lose_wake = false;
    bool fault_defer_twice = false;
    bool fault_redeliver_old_seq = false;
  };

  enum class Enqueued {
    kQueued,           // queued; the owner is already awake or will pump on its own
    kQueuedNeedsWake,  // queued; the caller must wake the owner
    kShed,             // the queue was full: the subscription is now shed (and closed)
    kClosed,           // unsubscribed, released or already shed: nothing queued
  };

  enum class PumpStop {
    kIdle,      // nothing left to send; armed for the next publish
    kNoCredit,  // max_in_flight deliveries are outstanding (ACKS only)
    kNoRoom,    // the connection's outbound queue is full
    kShed,      // the subscription was shed; report it and drop it
  };

  Subscription(Params params, std::unique_ptr<runtime::Mutex> mu);
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  uint64_t id() const { return params_.id; }
  bool acks() const { return params_.acks; }
  uint32_t stream_id() const { return params_.stream_id; }
  runtime::Pid owner() const { return params_.owner; }
  size_t pending_limit() const { return params_.pending_limit; }

  // --- Publisher side ---
  Enqueued Enqueue(const SharedEnvelope& envelope, uint64_t message_id);
  // The wake requested by kQueuedNeedsWake could not be delivered: re-arm so the next
  // Enqueue asks again.
  void Rearm();

  // --- Either side ---
  // No more messages; drops whatever is queued. Idempotent.
  void Close();
  bool shed() const { return shed_.load(std::memory_order_acquire); }
  size_t pending_size() const;

  // --- Owner side (the subscriber's connection process only) ---
  // Sends Deliver frames while credit and outbound room allow; `delivered` is incremented
  // per frame sent.
  PumpStop Pump(ConnectionOutput& out, size_t& delivered);
  // Accept(seq) is cumulative; Reject drops one delivery; Defer queues it for redelivery.
  // Each returns false (changing nothing) when seq does not name a delivery it can act on,
  // which is always the case without ACKS (nothing is outstanding).
  bool Accept(uint64_t seq) { return credit_.Accept(seq); }
  bool Reject(uint64_t seq) { return credit_.Take(seq).envelope != nullptr; }
  bool Defer(uint64_t seq);
  size_t outstanding() const { return credit_.outstanding(); }
  // The highest message id up to which every message this subscription took from its queue
  // is acknowledged (Accept or Reject with ACKS; sent, without); nullopt before the first.
  // Valid as a durable consumer's position because a durable channel queues consecutive ids.
  std::optional<uint64_t> AcknowledgedThrough() const;

 private:
  Params params_;  // const after construction
  std::unique_ptr<runtime::Mutex> mu_;
  std::deque<QueuedMessage> pending_ ABSL_GUARDED_BY(*mu_);
  bool armed_ ABSL_GUARDED_BY(*mu_) = true;
  bool closed_ ABSL_GUARDED_BY(*mu_) = false;
  std::atomic<bool> shed_{false};

  // Owner-only state.
  std::deque<QueuedMessage> redeliver_;      // deferred, sent before anything else
  std::deque<uint64_t> redeliver_old_seqs_;  // planted bug redeliver_under_old_seq only
  std::deque<QueuedMessage> batch_;          // taken from pending_, not yet sent
  CreditWindow credit_;
  std::optional<uint64_t> last_taken_id_;  // the newest message moved into batch_
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SUBSCRIPTION_H_
