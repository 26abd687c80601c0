// The application's ConnectionNotifier in the simulation (behind the worker dispatcher, as
// an embedding application's would be): accepts worker registrations unless their task
// queue starts with "reject", keeps its own record of every call (the ground truth of the
// unregister-once check), traces every call, and yields at each call, as application code
// taking its time would.
#ifndef LIMINAL_SIM_SERVICES_SIM_NOTIFIER_H_
#define LIMINAL_SIM_SERVICES_SIM_NOTIFIER_H_

#include <vector>

#include "core/server/connection_notifier.h"
#include "sim/invariants/world_view.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {

class SimNotifier final : public server::ConnectionNotifier {
 public:
  explicit SimNotifier(FiberKernel& kernel) : kernel_(kernel) {}

  absl::Status OnWorkerRegistered(runtime::Pid pid,
                                  const protocol::WorkerRegister& registration) override;
  void OnWorkerUnregistered(runtime::Pid pid) override;

  const std::vector<NotifierCall>& calls() const { return calls_; }

 private:
  FiberKernel& kernel_;
  std::vector<NotifierCall> calls_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_SERVICES_SIM_NOTIFIER_H_
