#include "client/stream_id_allocator.h"

#include "absl/status/status.h"

namespace liminal::client {

absl::StatusOr<uint32_t> StreamIdAllocator::Next() {
  uint64_t id = next_.fetch_add(2, std::memory_order_relaxed);
  if (id > UINT32_MAX) {
    // Keep the counter from creeping towards 2^64 under endless retries.
    next_.store(uint64_t{UINT32_MAX} + 1, std::memory_order_relaxed);
    return absl::ResourceExhaustedError(
        "stream ids exhausted on this connection; open a new connection");
  }
  return static_cast<uint32_t>(id);
}

}  // namespace liminal::client
