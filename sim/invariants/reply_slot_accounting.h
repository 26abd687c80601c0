// "Every reply slot is owned by a live record, or has been resolved or cancelled exactly
// once." From the events: a slot ends (replied, cancelled or timed out) at most once and
// only after it was registered, and each awaiter ends at most once. From every snapshot:
// the registry's pending slots are exactly the ones the events left pending, and each is
// owned by a tracked record (at quiescence: a live, unreleased one). At the end: every
// slot has ended.
#ifndef LIMINAL_SIM_INVARIANTS_REPLY_SLOT_ACCOUNTING_H_
#define LIMINAL_SIM_INVARIANTS_REPLY_SLOT_ACCOUNTING_H_

#include "absl/container/btree_map.h"
#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class ReplySlotAccounting final : public InvariantChecker {
 public:
  std::string_view name() const override { return "reply-slot-accounting"; }
  std::optional<std::string> OnEvent(const TimedEvent& event) override;
  std::optional<std::string> OnState(const WorldView& view) override;
  std::optional<std::string> AtEnd(const EndOfRun& end) override;

 private:
  struct Slot {
    runtime::Pid owner = runtime::kNoPid;
    const char* ended = nullptr;  // the event that ended it
    int awaiter_ends = 0;
  };
  absl::btree_map<uint64_t, Slot> slots_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_REPLY_SLOT_ACCOUNTING_H_
