// Counter: a monotonically increasing count (Prometheus "counter"). Increments are one relaxed
// atomic add: no lock, no allocation, safe from any thread. Each counter has a cache line
// of its own, so counters bumped per message on different threads do not false-share.
//
//   Counter& accepted = registry.AddCounter("liminal_connections_total", "Connections accepted.");
//   accepted.Increment();
//
// Counters are created and owned by a Registry (registry.h); hold them by reference.
#ifndef LIMINAL_CORE_METRICS_COUNTER_H_
#define LIMINAL_CORE_METRICS_COUNTER_H_

#include <atomic>
#include <cstdint>

namespace liminal::metrics {

class alignas(64) Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace liminal::metrics

#endif  // LIMINAL_CORE_METRICS_COUNTER_H_
