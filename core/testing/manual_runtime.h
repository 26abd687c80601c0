// ManualRuntime: a single-threaded, deterministic binding of every core/runtime seam for
// unit tests. Nothing happens until the test steps it: RunOne() / RunUntilIdle() run the
// FIFO queue, AdvanceTime() fires timers. Mutexes never block; AwaitWithTimeout drives the
// queue (and then virtual time) until its condition holds or its deadline passes.
//
//   ManualRuntime rt;
//   auto [socket, peer] = MakeSocketPair(rt, "10.0.0.1:5000");
//   ConnectionSupervisor supervisor(rt, services, {});
//   auto handle = supervisor.SpawnConnection(std::move(socket));
//   rt.RunUntilIdle();
//   peer->Write(bytes);
//   rt.RunUntilIdle();
#ifndef LIMINAL_CORE_TESTING_MANUAL_RUNTIME_H_
#define LIMINAL_CORE_TESTING_MANUAL_RUNTIME_H_

#include <memory>

#include "core/runtime/runtime.h"
#include "core/testing/in_memory_file_system.h"
#include "core/testing/manual_clock.h"
#include "core/testing/manual_scheduler.h"
#include "core/testing/seeded_random.h"

namespace liminal::testing {

class ManualRuntime final : public runtime::Runtime {
 public:
  explicit ManualRuntime(uint64_t seed = 1);

  ManualScheduler& scheduler() override { return scheduler_; }
  ManualClock& clock() override { return clock_; }
  runtime::Random& random() override { return random_; }
  InMemoryFileSystem& file_system() override { return files_; }
  std::unique_ptr<runtime::Mutex> NewMutex() override;

  bool RunOne() { return scheduler_.RunOne(); }
  size_t RunUntilIdle() { return scheduler_.RunUntilIdle(); }
  // Advances virtual time, queueing due timers, then runs until idle.
  void AdvanceTime(absl::Duration by);
  // Runs until idle, jumping virtual time from timer to timer, until `limit` from now;
  // ends with the clock exactly `limit` later.
  void RunFor(absl::Duration limit);

 private:
  ManualScheduler scheduler_;
  ManualClock clock_;
  SeededRandom random_;
  InMemoryFileSystem files_;
};

}  // namespace liminal::testing

#endif  // LIMINAL_CORE_TESTING_MANUAL_RUNTIME_H_
