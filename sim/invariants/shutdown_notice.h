// "NotifyShutdown's every-connection mode reaches every connection": each connection the
// supervisor tracked when the shutdown began, and whose process was still running when the
// drain ended, was sent its Disconnect during the drain (not only by the force close after
// it). Which connections count comes from the runtime (running processes), not from the
// supervisor's records; which frames went out from the connection processes' send events.
#ifndef LIMINAL_SIM_INVARIANTS_SHUTDOWN_NOTICE_H_
#define LIMINAL_SIM_INVARIANTS_SHUTDOWN_NOTICE_H_

#include "absl/container/btree_map.h"
#include "sim/invariants/invariant_checker.h"

namespace liminal::sim {

class ShutdownNotice final : public InvariantChecker {
 public:
  std::string_view name() const override { return "shutdown-notice-reaches-all"; }
  std::optional<std::string> OnEvent(const TimedEvent& event) override;
  std::optional<std::string> AtEnd(const EndOfRun& end) override;

 private:
  size_t seen_ = 0;                                         // events seen so far
  absl::btree_map<runtime::Pid, size_t> first_disconnect_;  // pid → event index
  absl::btree_map<runtime::Pid, size_t> socket_closed_;     // pid → event index
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_SHUTDOWN_NOTICE_H_
