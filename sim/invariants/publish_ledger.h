// PublishLedger: what publishers were told, per channel: the message id each acknowledged
// payload got, and the payloads answered with an error. Shared by the history checkers
// (MessagingHistory for live delivery, DurableHistory for replay across restarts), which
// hold deliveries and replays against it. It checks one property itself:
//
//   ids-never-reused  no message id is acknowledged for two different messages.
//
//   PublishLedger ledger;
//   if (std::optional<std::string> reused = ledger.Acked("orders", "c1.7", 17)) ...
//   std::optional<uint64_t> id = ledger.IdOf("orders", "c1.7");
//
// Payloads (or the message names inside them) are unique per run. Not thread-safe.
#ifndef LIMINAL_SIM_INVARIANTS_PUBLISH_LEDGER_H_
#define LIMINAL_SIM_INVARIANTS_PUBLISH_LEDGER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"

namespace liminal::sim {

class PublishLedger {
 public:
  // Records that `message` was acknowledged as `id` on `channel`. Returns the detail of an
  // ids-never-reused violation when `id` was already acknowledged for another message.
  std::optional<std::string> Acked(const std::string& channel, const std::string& message,
                                   uint64_t id);
  void Failed(const std::string& channel, const std::string& message);

  std::optional<uint64_t> IdOf(const std::string& channel, const std::string& message) const;
  bool WasFailed(const std::string& channel, const std::string& message) const;
  // channel -> message -> id, in channel then message order.
  const absl::btree_map<std::string, absl::btree_map<std::string, uint64_t>>& acked() const {
    return acked_;
  }
  size_t acked_count() const { return acked_count_; }

 private:
  absl::btree_map<std::string, absl::btree_map<std::string, uint64_t>> acked_;
  absl::btree_map<std::string, absl::btree_map<uint64_t, std::string>> by_id_;
  absl::btree_map<std::string, absl::btree_set<std::string>> failed_;
  size_t acked_count_ = 0;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_PUBLISH_LEDGER_H_
