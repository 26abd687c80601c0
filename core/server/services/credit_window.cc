#include "core/server/services/credit_window.h"

#include <utility>

namespace liminal::server::services {

uint64_t CreditWindow::Record(SharedEnvelope envelope) {
  const uint64_t seq = next_seq_++;
  in_flight_.emplace_hint(in_flight_.end(), seq, std::move(envelope));
  return seq;
}

bool CreditWindow::Accept(uint64_t seq) {
  if (seq == 0 || seq >= next_seq_) return false;
  in_flight_.erase(in_flight_.begin(), in_flight_.upper_bound(seq));
  return true;
}

SharedEnvelope CreditWindow::Take(uint64_t seq) {
  auto it = in_flight_.find(seq);
  if (it == in_flight_.end()) return nullptr;
  SharedEnvelope envelope = std::move(it->second);
  in_flight_.erase(it);
  return envelope;
}

}  // namespace liminal::server::services
