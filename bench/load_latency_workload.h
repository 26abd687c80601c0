// The latency-under-load workload ("latency-load"): one publisher offers a fixed rate of
// 256-byte messages — half of NATS's maximum pub→sub rate measured in the same run — to one
// subscriber, and each trial reports the p50, p99 and p99.9 publish→deliver latency, plus
// the rate actually delivered. Each payload carries its send time (steady clock, same
// process), and the subscriber takes the difference on arrival. liminald and NATS only.
//
//   auto w = std::make_unique<LoadLatencyWorkload>(spec, /*trials=*/3);
//   w->SetOfferedRate(770'000, "50 % of NATS's pub->sub 256 B median (1.54M msg/s)");
//
// main() sets the rate before the workload runs (CalibrateLoadRate in main.cc). A send time
// is taken when the message is handed to the client library, so a publisher held back (by
// liminald's --publish-window) does not count its wait: compare the delivered rate with
// the offered one to see whether the system kept up.
//
// Thread-safety: not thread-safe.
#ifndef LIMINAL_BENCH_LOAD_LATENCY_WORKLOAD_H_
#define LIMINAL_BENCH_LOAD_LATENCY_WORKLOAD_H_

#include <string>
#include <vector>

#include "bench/workload.h"

namespace liminal::bench {

// The offered rate as a fraction of NATS's measured maximum.
inline constexpr double kLoadFractionOfNatsMax = 0.5;

class LoadLatencyWorkload : public Workload {
 public:
  LoadLatencyWorkload(LoadLatencySpec spec, int trials) : spec_(spec), trials_(trials) {}

  void SetOfferedRate(double messages_per_second, std::string basis) {
    spec_.messages_per_second = messages_per_second;
    rate_basis_ = std::move(basis);
  }
  const LoadLatencySpec& spec() const { return spec_; }

  std::string name() const override { return "latency-load"; }
  std::string title() const override;
  std::string description() const override;
  std::vector<MetricSpec> metrics() const override;
  bool Supports(System system) const override { return system != System::kRedis; }
  int trials() const override { return trials_; }
  std::string Method(const Driver& driver) const override { return driver.PublishLatencyMethod(); }
  absl::StatusOr<TrialValues> RunTrial(Driver& driver) override;

 private:
  LoadLatencySpec spec_;
  std::string rate_basis_ = "rate not calibrated";
  int trials_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_LOAD_LATENCY_WORKLOAD_H_
