// "The drain finished within its bound": the graceful shutdown's AwaitIdle returned within
// drain_timeout, the force close emptied the supervisor within its bound, no connection
// was still alive (or spawned) once the sequence had finished, and a failed durable flush
// was reported as a ShutdownFlushError.
#ifndef LIMINAL_SIM_INVARIANTS_DRAIN_BOUND_H_
#define LIMINAL_SIM_INVARIANTS_DRAIN_BOUND_H_

#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class DrainBound final : public InvariantChecker {
 public:
  std::string_view name() const override { return "drain-bound"; }
  std::optional<std::string> AtEnd(const EndOfRun& end) override;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_DRAIN_BOUND_H_
