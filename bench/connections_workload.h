// The many-connections workload: opens N idle client connections to a freshly started
// server (each completing the system's handshake), then reports what they cost the server:
// resident memory per connection ((VmRSS after − VmRSS before) / N) and the server's CPU
// use while they sit idle for a fixed window (Δ(utime + stime) / wall time, % of one core).
//
//   auto w = std::make_unique<ConnectionsWorkload>(ConnectionsSpec{.connections = 10'000}, 2);
//
// Thread-safety: not thread-safe.
#ifndef LIMINAL_BENCH_CONNECTIONS_WORKLOAD_H_
#define LIMINAL_BENCH_CONNECTIONS_WORKLOAD_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/workload.h"

namespace liminal::bench {

struct ConnectionsSpec {
  size_t connections = 10'000;
  size_t batch = 500;
  absl::Duration idle_window = absl::Seconds(10);
  // Time for the server to finish its post-handshake work before "after" is read.
  absl::Duration settle = absl::Milliseconds(500);
};

class ConnectionsWorkload : public Workload {
 public:
  ConnectionsWorkload(ConnectionsSpec spec, int trials) : spec_(spec), trials_(trials) {}

  std::string name() const override { return "connections"; }
  std::string title() const override;
  std::string description() const override;
  std::vector<MetricSpec> metrics() const override;
  bool fresh_server_per_trial() const override { return true; }
  int trials() const override { return trials_; }
  absl::StatusOr<TrialValues> RunTrial(Driver& driver) override;

  const ConnectionsSpec& spec() const { return spec_; }

 private:
  ConnectionsSpec spec_;
  int trials_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_CONNECTIONS_WORKLOAD_H_
