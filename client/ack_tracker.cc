#include "client/ack_tracker.h"

#include <algorithm>

namespace liminal::client {

AckTracker::AckTracker(uint32_t max_in_flight)
    : batch_size_(std::max<uint64_t>(1, max_in_flight / 2)) {}

std::optional<uint64_t> AckTracker::Consume(uint64_t seq) {
  consumed_ = std::max(consumed_, seq);
  if (consumed_ - acked_ >= batch_size_) return TakeAck();
  return std::nullopt;
}

std::optional<uint64_t> AckTracker::Flush() {
  if (!has_pending()) return std::nullopt;
  return TakeAck();
}

std::optional<uint64_t> AckTracker::TakeAck() {
  acked_ = consumed_;
  return acked_;
}

}  // namespace liminal::client
