#include "sim/runtime/sim_runtime.h"

#include "sim/kernel/rng.h"
#include "sim/runtime/sim_mutex.h"

namespace liminal::sim {

SimRuntime::SimRuntime(FiberKernel& kernel, uint64_t seed)
    : kernel_(kernel),
      clock_(kernel),
      random_(DeriveSeed(seed, "runtime.random")),
      disk_(kernel, DeriveSeed(seed, "disk")),
      scheduler_(kernel) {}

std::unique_ptr<runtime::Mutex> SimRuntime::NewMutex() {
  return std::make_unique<SimMutex>(kernel_, next_mutex_++);
}

}  // namespace liminal::sim
