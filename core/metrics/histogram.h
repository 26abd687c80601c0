// Histogram: counts observations into fixed buckets (Prometheus "histogram"), e.g. fsync or
// push-reply latency in seconds. Observe() is a short scan of the bucket bounds plus relaxed
// atomic adds: no lock, no allocation, any thread.
//
//   Histogram& fsync = registry.AddHistogram("liminal_durable_fsync_seconds",
//                                            "Latency of durable log fsyncs.",
//                                            LatencySecondsBuckets());
//   fsync.Observe(absl::ToDoubleSeconds(elapsed));
//
// Buckets are given by their finite upper bounds (inclusive, Prometheus `le`); the +Inf
// bucket is implicit. Histograms are created and owned by a Registry (registry.h).
#ifndef LIMINAL_CORE_METRICS_HISTOGRAM_H_
#define LIMINAL_CORE_METRICS_HISTOGRAM_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace liminal::metrics {

// 100 µs .. 10 s, roughly ×2.5 per step: suits fsync, push and reply latencies.
std::vector<double> LatencySecondsBuckets();

class Histogram {
 public:
  // `upper_bounds` is sorted and de-duplicated; NaN and infinite bounds are dropped.
  explicit Histogram(std::vector<double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Records one observation. NaN is ignored.
  void Observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;         // finite bounds, ascending
    std::vector<uint64_t> cumulative_counts;  // one per bound, then the +Inf bucket
    uint64_t count = 0;                       // == cumulative_counts.back()
    double sum = 0;
  };
  // A consistent-enough copy for rendering: counts are read bucket by bucket, and `count` is
  // derived from them so the +Inf bucket always equals `count`.
  Snapshot Snap() const;

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // upper_bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

}  // namespace liminal::metrics

#endif  // LIMINAL_CORE_METRICS_HISTOGRAM_H_
