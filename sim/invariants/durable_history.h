// DurableHistory: the history checker of the durable-crash scenario (issue: "what clients
// sent, against what they received"). Publishers record every answer (PublishAck with its
// message id, or PublishError); replay readers record the payloads they received, in order.
// Check() then holds the answers against the final replay of each channel:
//
//   acknowledged-survive-crash  every acknowledged message is replayed after the last
//                               restart, exactly once (fsync "always");
//   replay-order                a replay has no duplicate and lists acknowledged messages
//                               in message-id order (also for readers cut off by a crash);
//   failed-not-stored           a message answered E_STORAGE is never replayed;
//   ids-never-reused            no message id is acknowledged for two different messages.
//
//   DurableHistory history;
//   history.Acked("orders", "i0-p1-3", 17);
//   history.Replayed(reader, "orders", "i0-p1-3");   history.FinalReplay("orders", reader);
//   std::optional<Violation> v = history.Check();
//
// What publishers were told lives in a PublishLedger (publish_ledger.h), shared with the
// live-delivery checker (MessagingHistory). Payloads are unique per run (the scenario names each
// message by incarnation, publisher and sequence). Not thread-safe (the simulation runs on one OS
// thread).
#ifndef LIMINAL_SIM_INVARIANTS_DURABLE_HISTORY_H_
#define LIMINAL_SIM_INVARIANTS_DURABLE_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "sim/invariants/publish_ledger.h"
#include "sim/invariants/violation.h"

namespace liminal::sim {

class DurableHistory {
 public:
  void Acked(const std::string& channel, const std::string& payload, uint64_t message_id);
  void Failed(const std::string& channel, const std::string& payload);
  // Reader `reader` received `payload` on `channel` (replayed or live).
  void Replayed(int reader, const std::string& channel, const std::string& payload);
  // `reader`'s sequence is the complete replay of `channel` after the last restart.
  void FinalReplay(const std::string& channel, int reader);

  std::optional<Violation> Check() const;

  size_t acked() const { return ledger_.acked_count(); }

 private:
  struct Reader {
    std::string channel;
    std::vector<std::string> payloads;
  };
  std::optional<Violation> CheckOrder(int reader, const Reader& r) const;

  PublishLedger ledger_;
  absl::btree_map<int, Reader> readers_;
  absl::btree_map<std::string, int> final_;
  std::optional<Violation> reuse_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_DURABLE_HISTORY_H_
