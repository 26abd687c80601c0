// "Unregister fires at most once per connection, and only for a registration the notifier
// accepted; every accepted registration is unregistered once the connection ends". Ground
// truth is the application notifier's own record of the calls it received (NotifierCall),
// never the supervisor's events about itself.
#ifndef LIMINAL_SIM_INVARIANTS_UNREGISTER_ONCE_H_
#define LIMINAL_SIM_INVARIANTS_UNREGISTER_ONCE_H_

#include <vector>

#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class UnregisterOnce final : public InvariantChecker {
 public:
  std::string_view name() const override { return "unregister-once"; }
  std::optional<std::string> AtEnd(const EndOfRun& end) override;

  // The same check over a call log alone (unit tests, and AtEnd).
  static std::optional<std::string> Check(const std::vector<NotifierCall>& calls);
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_UNREGISTER_ONCE_H_
