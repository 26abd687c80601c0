// The simulation's runtime::Runtime: every core/runtime seam bound to the fiber kernel
// (scheduler and processes, clock and timers, mutexes, the simulated disk, a seeded
// Random). One per run; it owns nothing global, so runs are independent of each other.
//
//   Trace trace;
//   FiberKernel kernel(MakeStrategy(StrategyKind::kPct, seed), trace);
//   SimRuntime runtime(kernel, seed);
//   ConnectionSupervisor supervisor(runtime, services, options);
#ifndef LIMINAL_SIM_RUNTIME_SIM_RUNTIME_H_
#define LIMINAL_SIM_RUNTIME_SIM_RUNTIME_H_

#include <cstdint>
#include <memory>

#include "core/runtime/runtime.h"
#include "sim/disk/sim_disk.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/runtime/sim_clock.h"
#include "sim/runtime/sim_random.h"
#include "sim/runtime/sim_scheduler.h"

namespace liminal::sim {

class SimRuntime final : public runtime::Runtime {
 public:
  SimRuntime(FiberKernel& kernel, uint64_t seed);

  SimScheduler& scheduler() override { return scheduler_; }
  SimClock& clock() override { return clock_; }
  runtime::Random& random() override { return random_; }
  SimDisk& file_system() override { return disk_; }
  std::unique_ptr<runtime::Mutex> NewMutex() override;
  runtime::FaultPoints* fault_points() override { return fault_points_; }
  // Installs the run's fault points (sim_fault_points.h) before the server is built; null
  // (the default) leaves every point silent.
  void set_fault_points(runtime::FaultPoints* points) { fault_points_ = points; }

  FiberKernel& kernel() { return kernel_; }

 private:
  FiberKernel& kernel_;
  SimClock clock_;
  SimRandom random_;
  SimDisk disk_;
  SimScheduler scheduler_;
  uint64_t next_mutex_ = 1;
  runtime::FaultPoints* fault_points_ = nullptr;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_RUNTIME_SIM_RUNTIME_H_
