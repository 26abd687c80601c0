// "Every awaiter has ended", promptly: every application push returned (an asynchronous
// push's completion callback ran) exactly once, and
// an awaiter that ended Disconnected did so when its connection was released, not when its
// own timeout ran out (server-behaviour.md §4: "it never waits for its full timeout after
// the connection has gone").
#ifndef LIMINAL_SIM_INVARIANTS_AWAITERS_END_H_
#define LIMINAL_SIM_INVARIANTS_AWAITERS_END_H_

#include "absl/container/btree_map.h"
#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class AwaitersEnd final : public InvariantChecker {
 public:
  std::string_view name() const override { return "awaiters-end"; }
  std::optional<std::string> OnEvent(const TimedEvent& event) override;
  std::optional<std::string> AtEnd(const EndOfRun& end) override;

 private:
  absl::btree_map<runtime::Pid, absl::Time> released_at_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_AWAITERS_END_H_
