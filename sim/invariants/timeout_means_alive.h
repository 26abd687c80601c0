// "A Timeout result means the connection was alive": a push whose awaiter (or async
// callback) reports Timeout belonged to a connection that had not been released and whose
// record was still there; one that ended first must report Disconnected. The connection's
// end is taken from the release and record-removal events (the close path runs them when
// the process exits), which precede the outcome in the event order.
#ifndef LIMINAL_SIM_INVARIANTS_TIMEOUT_MEANS_ALIVE_H_
#define LIMINAL_SIM_INVARIANTS_TIMEOUT_MEANS_ALIVE_H_

#include "absl/container/btree_map.h"
#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class TimeoutMeansAlive final : public InvariantChecker {
 public:
  std::string_view name() const override { return "timeout-means-alive"; }
  std::optional<std::string> OnEvent(const TimedEvent& event) override;

 private:
  absl::btree_map<runtime::Pid, const char*> ended_;  // pid → how its connection ended
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_TIMEOUT_MEANS_ALIVE_H_
