#include "core/server/services/pubsub/credit_window.h"

#include <algorithm>
#include <utility>

namespace liminal::server::services {

uint64_t CreditWindow::Record(QueuedMessage message) {
  const uint64_t seq = next_seq_++;
  in_flight_.emplace_back(seq, std::move(message));
  return seq;
}

bool CreditWindow::Accept(uint64_t seq) {
  if (seq == 0 || seq >= next_seq_) return false;
  while (!in_flight_.empty() && in_flight_.front().first <= seq) in_flight_.pop_front();
  return true;
}

QueuedMessage CreditWindow::Take(uint64_t seq) {
  auto it = std::lower_bound(in_flight_.begin(), in_flight_.end(), seq,
                             [](const auto& entry, uint64_t s) { return entry.first < s; });
  if (it == in_flight_.end() || it->first != seq) return {};
  QueuedMessage message = std::move(it->second);
  in_flight_.erase(it);
  return message;
}

std::optional<uint64_t> CreditWindow::MinOutstandingMessageId() const {
  std::optional<uint64_t> low;
  for (const auto& [seq, message] : in_flight_) {
    if (!low.has_value() || message.message_id < *low) low = message.message_id;
  }
  return low;
}

}  // namespace liminal::server::services
