// End of run: "no process is left behind" and nothing else is either: no live process, no
// tracked record, no fiber blocked forever (a deadlock or a lost wake-up), no session that
// was never released, no client whose connection the server never closed.
#ifndef LIMINAL_SIM_INVARIANTS_NOTHING_LEFT_H_
#define LIMINAL_SIM_INVARIANTS_NOTHING_LEFT_H_

#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class NothingLeft final : public InvariantChecker {
 public:
  std::string_view name() const override { return "nothing-left"; }
  std::optional<std::string> AtEnd(const EndOfRun& end) override;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_NOTHING_LEFT_H_
