// "Unregister fires at most once per pid, and iff a registration was stored": from the
// events (kRegistrationStored / kUnregisterFired), and at the end against what the
// application's notifier actually saw.
#ifndef LIMINAL_SIM_INVARIANTS_UNREGISTER_ONCE_H_
#define LIMINAL_SIM_INVARIANTS_UNREGISTER_ONCE_H_

#include "absl/container/btree_map.h"
#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class UnregisterOnce final : public InvariantChecker {
 public:
  std::string_view name() const override { return "unregister-once"; }
  std::optional<std::string> OnEvent(const TimedEvent& event) override;
  std::optional<std::string> AtEnd(const EndOfRun& end) override;

 private:
  struct Pid {
    int stored = 0;
    int rejected = 0;
    int unregistered = 0;
  };
  absl::btree_map<runtime::Pid, Pid> pids_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_UNREGISTER_ONCE_H_
