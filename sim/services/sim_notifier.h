// The application's ConnectionNotifier in the simulation: accepts worker registrations
// unless their task queue starts with "reject", counts the unregisters per pid (the
// invariant checkers compare them with the supervisor's events), traces every call, and
// yields at each call, as application code taking its time would.
#ifndef LIMINAL_SIM_SERVICES_SIM_NOTIFIER_H_
#define LIMINAL_SIM_SERVICES_SIM_NOTIFIER_H_

#include "absl/container/btree_map.h"
#include "core/server/connection_notifier.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {

class SimNotifier final : public server::ConnectionNotifier {
 public:
  explicit SimNotifier(FiberKernel& kernel) : kernel_(kernel) {}

  absl::Status OnWorkerRegistered(runtime::Pid pid,
                                  const protocol::WorkerRegister& registration) override;
  void OnWorkerUnregistered(runtime::Pid pid) override;

  const absl::btree_map<runtime::Pid, int>& unregistered() const { return unregistered_; }

 private:
  FiberKernel& kernel_;
  absl::btree_map<runtime::Pid, int> unregistered_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_SERVICES_SIM_NOTIFIER_H_
