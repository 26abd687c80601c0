// Runs the invariant suite after every step of the kernel: feeds it the new supervisor
// events, the services double's and the clients' own checks, and — whenever no fiber holds
// a runtime Mutex and something changed, and always at quiescence — a fresh
// SupervisorSnapshot. It also feeds the messaging history the connections the supervisor
// released and reports the history's violations. The first violation stops the run.
#ifndef LIMINAL_SIM_HARNESS_INVARIANT_OBSERVER_H_
#define LIMINAL_SIM_HARNESS_INVARIANT_OBSERVER_H_

#include <memory>
#include <optional>
#include <vector>

#include "core/server/connection_supervisor.h"
#include "sim/harness/conn_table.h"
#include "sim/harness/sim_client.h"
#include "sim/invariants/event_log.h"
#include "sim/invariants/invariant_suite.h"
#include "sim/invariants/messaging_history.h"
#include "sim/kernel/step_observer.h"
#include "sim/net/sim_network.h"
#include "sim/runtime/sim_runtime.h"
#include "sim/services/sim_services.h"

namespace liminal::sim {

class InvariantObserver final : public StepObserver {
 public:
  InvariantObserver(InvariantSuite& suite, const EventLog& events,
                    const server::ConnectionSupervisor& supervisor, SimRuntime& runtime,
                    const SimServices* services,
                    const std::vector<std::unique_ptr<SimClient>>& clients,
                    const SimNetwork& network, size_t max_inbox_bytes,
                    MessagingHistory* history = nullptr, const ConnTable* conns = nullptr)
      : suite_(suite),
        events_(events),
        supervisor_(supervisor),
        runtime_(runtime),
        services_(services),
        clients_(clients),
        network_(network),
        max_inbox_bytes_(max_inbox_bytes),
        history_(history),
        conns_(conns) {}

  void OnStep() override { Check(/*quiescent=*/false); }
  void OnQuiescent() override { Check(/*quiescent=*/true); }

  const std::optional<Violation>& violation() const { return violation_; }

 private:
  void Check(bool quiescent);
  void Fail(Violation violation);

  InvariantSuite& suite_;
  const EventLog& events_;
  const server::ConnectionSupervisor& supervisor_;
  SimRuntime& runtime_;
  const SimServices* services_;  // the double checks its own contract; null otherwise
  const std::vector<std::unique_ptr<SimClient>>& clients_;
  const SimNetwork& network_;
  const size_t max_inbox_bytes_;  // the connections' configured inbox bound
  // The clients' messaging history: told about released connections, its incremental
  // violations reported like the suite's. Both null when the run has none.
  MessagingHistory* history_;
  const ConnTable* conns_;
  size_t next_event_ = 0;
  uint64_t checked_version_ = UINT64_MAX;
  std::optional<Violation> violation_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_INVARIANT_OBSERVER_H_
