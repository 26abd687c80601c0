// Counter: a monotonically increasing count (Prometheus "counter"). Increments are one relaxed
// atomic add: no lock, no allocation, safe from any thread. A counter is split into a few
// cache-line shards and each thread adds to its own one, so a counter bumped per message
// from both runtime threads (deliveries, publishes) does not bounce one cache line between
// cores. Value() sums the shards; the total is exact, only the split between shards varies.
//
//   Counter& accepted = registry.AddCounter("liminal_connections_total", "Connections accepted.");
//   accepted.Increment();
//
// Counters are created and owned by a Registry (registry.h); hold them by reference.
#ifndef LIMINAL_CORE_METRICS_COUNTER_H_
#define LIMINAL_CORE_METRICS_COUNTER_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace liminal::metrics {

class Counter {
 public:
  // Enough for the runtime's threads on the machines liminald runs on; more threads share.
  static constexpr size_t kShards = 8;

  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Increment(uint64_t n = 1) {
    shards_[ThisThreadShard()].value.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t Value() const {
    uint64_t total = 0;
    for (const Shard& shard : shards_) total += shard.value.load(std::memory_order_relaxed);
    return total;
  }

 private:
  // 128 bytes: the CPU's spatial prefetcher pulls cache lines in pairs, so shards on
  // neighbouring 64-byte lines would still bounce between cores.
  struct alignas(128) Shard {
    std::atomic<uint64_t> value{0};
  };

  // The calling thread's shard: threads are numbered in the order they first count.
  static size_t ThisThreadShard() {
    static std::atomic<size_t> next_thread{0};
    thread_local const size_t shard = next_thread.fetch_add(1, std::memory_order_relaxed) % kShards;
    return shard;
  }

  std::array<Shard, kShards> shards_;
};

}  // namespace liminal::metrics

#endif  // LIMINAL_CORE_METRICS_COUNTER_H_
