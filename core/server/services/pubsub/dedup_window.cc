#include "core/server/services/pubsub/dedup_window.h"

namespace liminal::server::services {

void DedupWindow::DropExpired(absl::Time now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    auto oldest = by_expiry_.begin();
    auto entry = entries_.find(oldest->second);
    if (entry != entries_.end() && entry->second.expires == oldest->first) entries_.erase(entry);
    by_expiry_.erase(oldest);
  }
}

std::optional<uint64_t> DedupWindow::Find(std::string_view key, absl::Time now) {
  DropExpired(now);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.message_id;
}

void DedupWindow::Remember(std::string_view key, uint64_t message_id, absl::Time now) {
  DropExpired(now);
  const absl::Time expires = now + window_;
  auto [it, inserted] = entries_.try_emplace(std::string(key));
  if (!inserted) by_expiry_.erase({it->second.expires, it->first});
  it->second = Entry{message_id, expires};
  by_expiry_.emplace(expires, it->first);
}

void DedupWindow::Forget(std::string_view key, uint64_t message_id) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.message_id != message_id) return;
  by_expiry_.erase({it->second.expires, it->first});
  entries_.erase(it);
}

}  // namespace liminal::server::services
