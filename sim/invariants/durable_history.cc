#include "sim/invariants/durable_history.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

void DurableHistory::Acked(const std::string& channel, const std::string& payload,
                           uint64_t message_id) {
  std::optional<std::string> reused = ledger_.Acked(channel, payload, message_id);
  if (reused.has_value() && !reuse_.has_value()) {
    reuse_ = Violation{"ids-never-reused", *std::move(reused)};
  }
}

void DurableHistory::Failed(const std::string& channel, const std::string& payload) {
  ledger_.Failed(channel, payload);
}

void DurableHistory::Replayed(int reader, const std::string& channel, const std::string& payload) {
  Reader& r = readers_[reader];
  r.channel = channel;
  r.payloads.push_back(payload);
}

void DurableHistory::FinalReplay(const std::string& channel, int reader) {
  final_[channel] = reader;
  readers_[reader].channel = channel;
}

std::optional<Violation> DurableHistory::CheckOrder(int reader, const Reader& r) const {
  absl::btree_set<std::string> seen;
  uint64_t last_id = 0;
  std::string last_payload;
  for (const std::string& payload : r.payloads) {
    if (!seen.insert(payload).second) {
      return Violation{"replay-order", absl::StrCat("reader ", reader, " on '", r.channel,
                                                    "' received '", payload, "' twice")};
    }
    if (ledger_.WasFailed(r.channel, payload)) {
      return Violation{"failed-not-stored",
                       absl::StrCat("reader ", reader, " on '", r.channel, "' received '", payload,
                                    "', whose publish was answered E_STORAGE")};
    }
    const std::optional<uint64_t> id = ledger_.IdOf(r.channel, payload);
    if (!id.has_value()) continue;
    if (*id <= last_id) {
      return Violation{
          "replay-order",
          absl::StrCat("reader ", reader, " on '", r.channel, "' received '", payload, "' (id ",
                       *id, ") after '", last_payload, "' (id ", last_id, ")")};
    }
    last_id = *id;
    last_payload = payload;
  }
  return std::nullopt;
}

std::optional<Violation> DurableHistory::Check() const {
  for (const auto& [channel, payloads] : ledger_.acked()) {
    auto final_reader = final_.find(channel);
    if (final_reader == final_.end()) {
      return Violation{"acknowledged-survive-crash",
                       absl::StrCat("channel '", channel, "' has no final replay to check")};
    }
    const Reader& r = readers_.at(final_reader->second);
    const absl::btree_set<std::string> replayed(r.payloads.begin(), r.payloads.end());
    for (const auto& [payload, id] : payloads) {
      if (!replayed.contains(payload)) {
        return Violation{
            "acknowledged-survive-crash",
            absl::StrCat("channel '", channel, "': '", payload, "' was acknowledged as message ",
                         id, " but the replay after the last restart lacks it (", r.payloads.size(),
                         " messages replayed)")};
      }
    }
  }
  if (reuse_.has_value()) return reuse_;
  for (const auto& [index, reader] : readers_) {
    if (std::optional<Violation> v = CheckOrder(index, reader)) return v;
  }
  return std::nullopt;
}

}  // namespace liminal::sim
