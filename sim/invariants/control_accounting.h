// "Every control is consumed once or rolled back once (or discarded at release)": each
// enqueued control (NotifyShutdown, ForceClose, Push) meets exactly one fate, and none is
// still queued once nothing is runnable.
//
// The enqueuer records kControlEnqueued after it has released the connection's mutex, so
// the process may consume (or the release discard) the control, and say so, first. A fate
// reported before its enqueue is therefore held until the enqueue shows up; by quiescence
// every enqueuer has caught up, and an unmatched fate is a violation.
#ifndef LIMINAL_SIM_INVARIANTS_CONTROL_ACCOUNTING_H_
#define LIMINAL_SIM_INVARIANTS_CONTROL_ACCOUNTING_H_

#include <utility>

#include "absl/container/btree_map.h"
#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class ControlAccounting final : public InvariantChecker {
 public:
  std::string_view name() const override { return "control-accounting"; }
  std::optional<std::string> OnEvent(const TimedEvent& event) override;
  std::optional<std::string> OnState(const WorldView& view) override;
  std::optional<std::string> AtEnd(const EndOfRun& end) override;

 private:
  std::optional<std::string> Outstanding() const;
  struct Control {
    bool enqueued = false;
    const char* fate = nullptr;  // the event that settled it; null while queued
  };
  absl::btree_map<std::pair<runtime::Pid, uint64_t>, Control> controls_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_CONTROL_ACCOUNTING_H_
