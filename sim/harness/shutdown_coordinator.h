// The graceful shutdown of server-behaviour.md §6, run from its own fiber at the
// workload's shutdown time through the very sequence the daemon runs
// (core/server/assembly/graceful_shutdown.h): stop accepting, notify (Disconnect once),
// drain for up to drain_timeout, force close what remains, wait for the supervisor to
// empty, flush durable state. Its timings feed the drain-bound check.
#ifndef LIMINAL_SIM_HARNESS_SHUTDOWN_COORDINATOR_H_
#define LIMINAL_SIM_HARNESS_SHUTDOWN_COORDINATOR_H_

#include "core/server/assembly/graceful_shutdown.h"
#include "core/server/connection_supervisor.h"
#include "sim/invariants/event_log.h"
#include "sim/invariants/world_view.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/net/sim_network.h"
#include "sim/runtime/sim_scheduler.h"
#include "sim/workload/workload.h"

namespace liminal::sim {

class ShutdownCoordinator final : private server::ShutdownObserver {
 public:
  // How long after the force close every connection must be gone.
  static constexpr absl::Duration kForceCloseBound = absl::Seconds(1);

  ShutdownCoordinator(const ShutdownSpec& spec, server::ConnectionSupervisor& supervisor,
                      SimNetwork& network, SimScheduler& scheduler, const EventLog& events,
                      FiberKernel& kernel)
      : spec_(spec),
        supervisor_(supervisor),
        network_(network),
        scheduler_(scheduler),
        events_(events),
        kernel_(kernel) {}

  void Start();
  // The measurements, completed with what happened after the sequence finished.
  DrainReport Report() const;

 private:
  void Run();
  void OnStoppedAccepting() override;
  void OnNotified(bool every_connection) override;
  void OnDrainEnded(bool drained, bool forced_early, size_t remaining) override;
  void OnForceCloseEnded(bool idle, size_t remaining) override;
  void OnFlushed(const absl::Status& status) override;

  const ShutdownSpec spec_;
  server::ConnectionSupervisor& supervisor_;
  SimNetwork& network_;
  SimScheduler& scheduler_;
  const EventLog& events_;
  FiberKernel& kernel_;
  DrainReport report_;
  size_t events_at_finish_ = 0;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_SHUTDOWN_COORDINATOR_H_
