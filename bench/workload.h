// Workload: one benchmark scenario (e.g. pub→sub with 16-byte payloads) that the runner
// (runner.h) executes for every system, trial after trial, alternating systems. A workload
// is defined once and runs against any Driver, so all systems do exactly the same work.
//
//   class MyWorkload : public Workload {
//     std::string name() const override { return "my-workload"; }
//     ...
//     absl::StatusOr<TrialValues> RunTrial(Driver& d) override {
//       absl::StatusOr<PubSubResult> r = d.RunPubSub(spec_);
//       if (!r.ok()) return r.status();
//       return TrialValues{{"rate", r->deliveries_per_second}};
//     }
//   };
//
// RunTrial returns one value per metric() key (more keys may be added; they go to the JSON
// only). UNIMPLEMENTED means the system does not offer the workload ("unavailable").
//
// Thread-safety: not thread-safe.
#ifndef LIMINAL_BENCH_WORKLOAD_H_
#define LIMINAL_BENCH_WORKLOAD_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/driver.h"

namespace liminal::bench {

enum class Better { kHigher, kLower };

struct MetricSpec {
  std::string key;    // "rate", "p50_us", ...
  std::string label;  // for the table, e.g. "msgs/s delivered"
  std::string unit;   // "msg/s", "us", "B", "%"
  Better better = Better::kHigher;
};

using TrialValues = std::map<std::string, double>;

class Workload {
 public:
  virtual ~Workload() = default;

  // Short id used by --workload and in the JSON, e.g. "pubsub-16".
  virtual std::string name() const = 0;
  // For the table, e.g. "pub→sub 16 B".
  virtual std::string title() const = 0;
  // What is measured and how, one sentence.
  virtual std::string description() const = 0;
  virtual std::vector<MetricSpec> metrics() const = 0;

  virtual bool Supports(System) const { return true; }
  // How the servers are configured for this workload.
  virtual ServerMode server_mode() const { return ServerMode::kDefault; }
  // True when every trial needs a freshly started server (memory measurements; durable
  // workloads, so every trial starts with an empty store).
  virtual bool fresh_server_per_trial() const { return false; }
  virtual int trials() const = 0;
  // How `driver`'s system is driven in this workload, when it differs between systems.
  virtual std::string Method(const Driver&) const { return ""; }

  virtual absl::StatusOr<TrialValues> RunTrial(Driver& driver) = 0;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_WORKLOAD_H_
