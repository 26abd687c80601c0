// One safety or liveness property of the connection supervisor, checked incrementally:
// OnEvent sees every SupervisorEvent in order, OnState sees a consistent snapshot after
// any step (and at quiescence, with quiescent = true), AtEnd sees the finished run. Each
// hook returns the violation's detail, or nullopt. Checkers are independent and reusable:
// a unit test can feed them events and snapshots by hand.
#ifndef LIMINAL_SIM_INVARIANTS_INVARIANT_CHECKER_H_
#define LIMINAL_SIM_INVARIANTS_INVARIANT_CHECKER_H_

#include <optional>
#include <string>
#include <string_view>

#include "sim/invariants/event_log.h"
#include "sim/invariants/world_view.h"

namespace liminal::sim {

class InvariantChecker {
 public:
  virtual ~InvariantChecker() = default;
  virtual std::string_view name() const = 0;
  virtual std::optional<std::string> OnEvent(const TimedEvent& event) {
    (void)event;
    return std::nullopt;
  }
  virtual std::optional<std::string> OnState(const WorldView& view) {
    (void)view;
    return std::nullopt;
  }
  virtual std::optional<std::string> AtEnd(const EndOfRun& end) {
    (void)end;
    return std::nullopt;
  }
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_INVARIANT_CHECKER_H_
