// Injects a workload's faults at their seeded times, each from its own fiber: crash a
// connection process (ConnectionHandle::request_crash, i.e. Scheduler::Kill), kill it the
// moment it is spawned (racing its first slice and SpawnConnection's bookkeeping), reset
// the client's side of the connection, make the next Wakes to a process fail, or make the
// durable flush fail. Every injection is written to the trace as a FAULT record.
#ifndef LIMINAL_SIM_HARNESS_FAULT_INJECTOR_H_
#define LIMINAL_SIM_HARNESS_FAULT_INJECTOR_H_

#include <memory>
#include <vector>

#include "absl/container/btree_set.h"
#include "sim/harness/conn_table.h"
#include "sim/harness/sim_client.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/net/sim_network.h"
#include "sim/runtime/sim_runtime.h"
#include "sim/workload/workload.h"

namespace liminal::sim {

class FaultInjector {
 public:
  FaultInjector(const std::vector<FaultAction>& faults, SimRuntime& runtime, SimNetwork& network,
                const ConnTable& conns, const std::vector<std::unique_ptr<SimClient>>& clients);

  void Start();
  // The acceptor just spawned `client`'s connection process as `pid`.
  void OnSpawn(uint32_t client, runtime::Pid pid);

 private:
  void Inject(const FaultAction& fault);

  const std::vector<FaultAction> faults_;
  SimRuntime& runtime_;
  SimNetwork& network_;
  const ConnTable& conns_;
  const std::vector<std::unique_ptr<SimClient>>& clients_;
  absl::btree_set<uint32_t> crash_on_spawn_;
  absl::btree_set<uint32_t> lose_exit_notice_;  // armed at spawn
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_FAULT_INJECTOR_H_
