// The application's fibers in a simulated run: one per AppAction, each sleeping until its
// time and then calling into the server as embedding code would — PushToConnection and
// PushReplyAwaiter::Receive(timeout), dropping an awaiter unreceived, registering
// conversation responders, or running the ReapCrashedConnections safety net. Every push
// is reported (PushReport) for the end-of-run awaiter checks.
#ifndef LIMINAL_SIM_HARNESS_APPLICATION_H_
#define LIMINAL_SIM_HARNESS_APPLICATION_H_

#include <functional>
#include <vector>

#include "core/server/connection_supervisor.h"
#include "sim/harness/conn_table.h"
#include "sim/invariants/world_view.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/workload/workload.h"

namespace liminal::sim {

class Application {
 public:
  // Registers the responder an AppActionKind::kRegisterResponder action asks for (arg 0:
  // a late one for subject "slow", 1: a silent one for "mute") with whichever services run.
  using RegisterResponder = std::function<void(const AppAction&)>;

  Application(const std::vector<AppAction>& actions, server::ConnectionSupervisor& supervisor,
              RegisterResponder register_responder, const ConnTable& conns, FiberKernel& kernel);

  void Start();
  const std::vector<PushReport>& pushes() const { return pushes_; }

 private:
  void Run(uint32_t index);
  void Push(uint32_t index, const AppAction& action);
  void PushAsync(uint32_t index, const AppAction& action);

  const std::vector<AppAction> actions_;
  server::ConnectionSupervisor& supervisor_;
  RegisterResponder register_responder_;
  const ConnTable& conns_;
  FiberKernel& kernel_;
  std::vector<PushReport> pushes_;  // one per action (unused for non-push actions)
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_APPLICATION_H_
