// "Every connection is released exactly once": at most one kReleased per pid at any time,
// and by the end every spawned connection has been released.
#ifndef LIMINAL_SIM_INVARIANTS_RELEASE_ONCE_H_
#define LIMINAL_SIM_INVARIANTS_RELEASE_ONCE_H_

#include "absl/container/btree_map.h"
#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class ReleaseOnce final : public InvariantChecker {
 public:
  std::string_view name() const override { return "release-once"; }
  std::optional<std::string> OnEvent(const TimedEvent& event) override;
  std::optional<std::string> AtEnd(const EndOfRun& end) override;

 private:
  absl::btree_map<runtime::Pid, int> releases_;  // every spawned pid, with its releases
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_RELEASE_ONCE_H_
