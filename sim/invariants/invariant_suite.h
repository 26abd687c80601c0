// Every invariant checker of the simulation, run together: the harness calls OnEvent for
// each new SupervisorEvent and OnState with a consistent snapshot after every step, and
// AtEnd once the run is over. The first violation wins; checkers are consulted in a fixed
// order, so the same run always reports the same invariant.
//
//   InvariantSuite suite = InvariantSuite::Standard();
//   if (std::optional<Violation> v = suite.OnEvent(event)) { ... }
#ifndef LIMINAL_SIM_INVARIANTS_INVARIANT_SUITE_H_
#define LIMINAL_SIM_INVARIANTS_INVARIANT_SUITE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/invariants/invariant_checker.h"
#include "sim/invariants/violation.h"

namespace liminal::sim {

class InvariantSuite {
 public:
  // The safety checkers (records-match-processes, inbox-bound, reply-slot-accounting,
  // control-accounting, unregister-once, disconnect-once, release-once) and the
  // end-of-run liveness checks (awaiters-end, drain-bound, nothing-left).
  static InvariantSuite Standard();

  void Add(std::unique_ptr<InvariantChecker> checker);
  std::optional<Violation> OnEvent(const TimedEvent& event);
  std::optional<Violation> OnState(const WorldView& view);
  std::optional<Violation> AtEnd(const EndOfRun& end);
  std::vector<std::string> Names() const;

 private:
  std::vector<std::unique_ptr<InvariantChecker>> checkers_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_INVARIANT_SUITE_H_
