// A subscription of a BlockingClient: deliveries are queued inside and taken with Next().
//
//   absl::StatusOr<std::unique_ptr<BlockingSubscription>> sub =
//       client->Subscribe("orders", absl::Seconds(5));
//   while (true) {
//     absl::StatusOr<Delivery> d = (*sub)->Next(absl::Seconds(1));   // or NextBatch(256, ...)
//     if (IsClientTimeout(d.status())) continue;      // nothing arrived within 1 s
//     if (!d.ok()) break;                              // ended: E_SLOW_CONSUMER, Disconnected
//     Process(d->payload);                             // AckMode::kAuto: already acknowledged
//   }
//
// With AckMode::kAuto (the default) a delivery is acknowledged when Next() returns it; with
// AckMode::kManual call Ack(seq) (cumulative), Reject(seq) or Defer(seq). Either way the
// server never has more than max_in_flight deliveries outstanding, so the internal queue
// holds at most max_in_flight deliveries.
//
// When the subscription ends, Next() first returns every delivery still queued, then the
// reason it ended (the server's SubscribeError, a Disconnected error, or CANCELLED after
// Unsubscribe()). The destructor unsubscribes.
//
// Thread-safety: thread-safe; several threads may call Next() concurrently (each delivery
// goes to exactly one of them).
#ifndef LIMINAL_CLIENT_BLOCKING_SUBSCRIPTION_H_
#define LIMINAL_CLIENT_BLOCKING_SUBSCRIPTION_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/delivery.h"
#include "client/io_thread.h"
#include "client/subscribe_options.h"
#include "client/subscription.h"

namespace liminal::client {

class BlockingSubscription {
 public:
  BlockingSubscription(const BlockingSubscription&) = delete;
  BlockingSubscription& operator=(const BlockingSubscription&) = delete;
  ~BlockingSubscription();

  uint64_t id() const { return subscription_.id(); }
  const protocol::SchemaId& schema_id() const { return subscription_.schema_id(); }

  // The next delivery; a client timeout error (IsClientTimeout) if none arrives within
  // `timeout`; the end reason once the subscription has ended and the queue is empty.
  absl::StatusOr<Delivery> Next(absl::Duration timeout);

  // Like Next(), but takes up to `max` (>= 1) queued deliveries at once, in order: waits up to
  // `timeout` for the first, then returns it with every one queued behind it. With
  // AckMode::kAuto they are acknowledged together (one cumulative ack), so a consumer that
  // keeps up pays for one wake-up and one ack per batch instead of per delivery.
  absl::StatusOr<std::vector<Delivery>> NextBatch(size_t max, absl::Duration timeout);

  // Deliveries received and not yet taken by Next().
  size_t queued() const;

  void Ack(uint64_t seq) { subscription_.Ack(seq); }
  void Reject(uint64_t seq, std::optional<std::string> reason = std::nullopt) {
    subscription_.Reject(seq, std::move(reason));
  }
  void Defer(uint64_t seq, std::optional<std::string> reason = std::nullopt) {
    subscription_.Defer(seq, std::move(reason));
  }

  // Unsubscribes; queued deliveries stay readable. Idempotent.
  void Unsubscribe() { subscription_.Unsubscribe(); }

 private:
  friend class BlockingClient;

  // Shared with the connection's delivery handler, which fills it.
  struct Queue {
    mutable absl::Mutex mu;
    std::deque<Delivery> deliveries ABSL_GUARDED_BY(mu);
    std::optional<absl::Status> ended ABSL_GUARDED_BY(mu);

    SubscriptionHandlers Handlers(const std::shared_ptr<Queue>& self);
  };

  BlockingSubscription(std::shared_ptr<IoThread> io, Subscription subscription,
                       std::shared_ptr<Queue> queue, AckMode ack_mode);

  std::shared_ptr<IoThread> io_;  // first: destroyed after the handle bound to it
  Subscription subscription_;
  std::shared_ptr<Queue> queue_;
  AckMode ack_mode_;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_BLOCKING_SUBSCRIPTION_H_
