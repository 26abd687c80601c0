// The whole world as the core sees it: one object bundling every seam. The core receives
// a Runtime& and never reaches past it (no real time, threads, randomness, environment,
// files or sockets). Implementations: io::AsioRuntime (production), the simulation runtime
// (sim/), and testing::ManualRuntime (unit tests).
#ifndef LIMINAL_CORE_RUNTIME_RUNTIME_H_
#define LIMINAL_CORE_RUNTIME_RUNTIME_H_

#include <memory>

#include "core/runtime/clock.h"
#include "core/runtime/fault_points.h"
#include "core/runtime/file.h"
#include "core/runtime/mutex.h"
#include "core/runtime/random.h"
#include "core/runtime/scheduler.h"

namespace liminal::runtime {

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual Scheduler& scheduler() = 0;
  virtual Clock& clock() = 0;
  virtual Random& random() = 0;
  virtual FileSystem& file_system() = 0;
  virtual std::unique_ptr<Mutex> NewMutex() = 0;
  // The simulation's fault points (fault_points.h); nullptr everywhere else.
  virtual FaultPoints* fault_points() { return nullptr; }
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_RUNTIME_H_
