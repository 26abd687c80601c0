// Gauge: a value that goes up and down (Prometheus "gauge"), such as the number of open
// connections. Every operation is one relaxed atomic: no lock, no allocation, any thread.
//
//   Gauge& open = registry.AddGauge("liminal_connections_current", "Open connections.");
//   open.Increment();  ...  open.Decrement();
//
// Gauges are created and owned by a Registry (registry.h); hold them by reference.
#ifndef LIMINAL_CORE_METRICS_GAUGE_H_
#define LIMINAL_CORE_METRICS_GAUGE_H_

#include <atomic>
#include <cstdint>

namespace liminal::metrics {

class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void Add(int64_t delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Increment() { Add(1); }
  void Decrement() { Add(-1); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace liminal::metrics

#endif  // LIMINAL_CORE_METRICS_GAUGE_H_
