// Runner: executes workloads against every selected system in the same session. For each
// workload it starts a fresh server per system (or per trial, for memory measurements),
// then runs the trials alternating systems (liminald, nats, redis, liminald, nats, ...), so
// slow drift on the machine (other builds, thermal) hits every system alike, and reports the
// median of each metric over the trials.
//
//   std::vector<SystemEntry> systems = {{System::kLiminald, liminald.get(), ""},
//                                       {System::kNats, nullptr, "nats-server not found"}};
//   Runner runner(systems, std::cerr);                   // progress lines go to std::cerr
//   WorkloadResult r = runner.Run(*workload);
//
// A system whose trial fails is not retried in that workload; the others continue.
//
// Thread-safety: not thread-safe.
#ifndef LIMINAL_BENCH_RUNNER_H_
#define LIMINAL_BENCH_RUNNER_H_

#include <ostream>
#include <string>
#include <vector>

#include "bench/driver.h"
#include "bench/results.h"
#include "bench/workload.h"

namespace liminal::bench {

struct SystemEntry {
  System system;
  Driver* driver;           // null when the system is unavailable
  std::string unavailable;  // why, when driver is null
};

class Runner {
 public:
  Runner(std::vector<SystemEntry> systems, std::ostream& progress)
      : systems_(std::move(systems)), progress_(progress) {}

  WorkloadResult Run(Workload& workload);

 private:
  std::vector<SystemEntry> systems_;
  std::ostream& progress_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_RUNNER_H_
