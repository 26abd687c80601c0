// Credit bookkeeping for one subscription: decides when to send the cumulative Accept that
// returns delivery credit to the server (server-behaviour.md §3).
//
//   AckTracker acks(/*max_in_flight=*/64);          // batch size 32
//   if (std::optional<uint64_t> seq = acks.Consume(delivery.seq)) SendAccept(*seq);
//   else if (acks.has_pending()) ArmFlushTimer();     // later: if (auto s = acks.Flush()) ...
//
// The server lets a subscription hold at most `max_in_flight` unacknowledged deliveries, and
// an Accept naming seq N acknowledges every delivery up to N. The tracker therefore keeps
// the highest consumed seq and asks for an Accept once `batch_size()` (half the window,
// at least 1) consumed deliveries are unacknowledged; the server never runs out of credit
// for deliveries the application has finished with. Flush() acknowledges whatever is left,
// for a timer that keeps acks from lingering when traffic stops.
//
// Thread-safety: not thread-safe; owned by one connection's strand.
#ifndef LIMINAL_CLIENT_ACK_TRACKER_H_
#define LIMINAL_CLIENT_ACK_TRACKER_H_

#include <cstdint>
#include <optional>

namespace liminal::client {

class AckTracker {
 public:
  // Precondition: max_in_flight > 0.
  explicit AckTracker(uint32_t max_in_flight);

  // Records that every delivery up to `seq` is done (cumulative; an older seq is a no-op).
  // Returns the seq to Accept now when a batch is complete.
  std::optional<uint64_t> Consume(uint64_t seq);

  // Returns the seq to Accept now if anything consumed is unacknowledged.
  std::optional<uint64_t> Flush();

  bool has_pending() const { return consumed_ > acked_; }
  uint64_t batch_size() const { return batch_size_; }
  uint64_t acked() const { return acked_; }

 private:
  std::optional<uint64_t> TakeAck();

  uint64_t batch_size_;
  uint64_t consumed_ = 0;  // highest seq the application is done with
  uint64_t acked_ = 0;     // highest seq named in an Accept so far
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_ACK_TRACKER_H_
