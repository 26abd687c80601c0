#include "sim/invariants/publish_ledger.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

std::optional<std::string> PublishLedger::Acked(const std::string& channel,
                                                const std::string& message, uint64_t id) {
  ++acked_count_;
  acked_[channel][message] = id;
  auto [it, inserted] = by_id_[channel].emplace(id, message);
  if (inserted || it->second == message) return std::nullopt;
  return absl::StrCat("channel '", channel, "': message id ", id, " was acknowledged for '",
                      it->second, "' and again for '", message, "'");
}

void PublishLedger::Failed(const std::string& channel, const std::string& message) {
  failed_[channel].insert(message);
}

std::optional<uint64_t> PublishLedger::IdOf(const std::string& channel,
                                            const std::string& message) const {
  auto c = acked_.find(channel);
  if (c == acked_.end()) return std::nullopt;
  auto m = c->second.find(message);
  if (m == c->second.end()) return std::nullopt;
  return m->second;
}

bool PublishLedger::WasFailed(const std::string& channel, const std::string& message) const {
  auto c = failed_.find(channel);
  return c != failed_.end() && c->second.contains(message);
}

}  // namespace liminal::sim
