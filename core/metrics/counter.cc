#include "core/metrics/counter.h"

namespace liminal::metrics {

size_t Counter::ThisThreadShard() {
  static std::atomic<size_t> next_thread{0};
  thread_local const size_t shard = next_thread.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

}  // namespace liminal::metrics
