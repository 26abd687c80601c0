// CreditWindow: the deliveries of one subscription that the client has not acknowledged yet
// (server-behaviour.md §3, "Credit"). Each delivery gets the next delivery_seq (1, 2, ...);
// the window is full once `max_in_flight` of them are outstanding.
//
//   CreditWindow window(/*max_in_flight=*/2);
//   uint64_t seq = window.Record({envelope, message_id});   // 1
//   window.Accept(seq);                       // cumulative: releases every seq <= 1
//   QueuedMessage again = window.Take(seq2);  // Defer/Reject: remove one delivery
//
// Sequence numbers are never reused: a deferred message is redelivered under a new seq.
// The deliveries sit in a deque in seq order, so Record and the common cumulative Accept are
// O(1) per delivery; Take (Reject/Defer, the rare path) is a binary search plus an erase.
// Not thread-safe: only the subscriber's connection process touches it.
#ifndef LIMINAL_CORE_SERVER_SERVICES_CREDIT_WINDOW_H_
#define LIMINAL_CORE_SERVER_SERVICES_CREDIT_WINDOW_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

#include "core/server/services/pubsub/shared_envelope.h"

namespace liminal::server::services {

class CreditWindow {
 public:
  explicit CreditWindow(uint32_t max_in_flight) : max_in_flight_(max_in_flight) {}

  uint32_t max_in_flight() const { return max_in_flight_; }
  size_t outstanding() const { return in_flight_.size(); }
  bool HasCredit() const { return in_flight_.size() < max_in_flight_; }
  size_t available() const { return max_in_flight_ - in_flight_.size(); }
  // The seq the next Record() will return.
  uint64_t next_seq() const { return next_seq_; }

  // Records a delivery about to be sent; returns its delivery_seq. Precondition: HasCredit().
  uint64_t Record(QueuedMessage message);

  // Acknowledges every outstanding delivery with seq <= `seq`. Returns false, changing
  // nothing, when `seq` was never handed out (0, or not yet delivered).
  bool Accept(uint64_t seq);

  // Removes one outstanding delivery and returns its envelope; null when `seq` is not
  // outstanding (never delivered, already acknowledged, rejected or deferred).
  QueuedMessage Take(uint64_t seq);
  // The smallest message id still outstanding, if any.
  std::optional<uint64_t> MinOutstandingMessageId() const;

  void Clear() { in_flight_.clear(); }

 private:
  uint32_t max_in_flight_;
  uint64_t next_seq_ = 1;
  std::deque<std::pair<uint64_t, QueuedMessage>> in_flight_;  // ascending seq
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_CREDIT_WINDOW_H_
