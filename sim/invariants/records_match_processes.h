// "At quiescence, records equal live connection processes": once nothing is runnable,
// every tracked record belongs to a live, unreleased process and every live process has a
// record. An orphan record (its process died before or while it was inserted) or an
// untracked process shows up here.
#ifndef LIMINAL_SIM_INVARIANTS_RECORDS_MATCH_PROCESSES_H_
#define LIMINAL_SIM_INVARIANTS_RECORDS_MATCH_PROCESSES_H_

#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class RecordsMatchProcesses final : public InvariantChecker {
 public:
  std::string_view name() const override { return "records-match-processes"; }
  std::optional<std::string> OnState(const WorldView& view) override;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_RECORDS_MATCH_PROCESSES_H_
