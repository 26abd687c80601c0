// Hands out the client-side stream ids of one connection (wire-protocol.md §6.2).
//
//   StreamIdAllocator streams;
//   absl::StatusOr<uint32_t> id = streams.Next();   // 3, then 5, 7, ...
//
// Client streams are odd and never reused. Allocation starts at 3, not 1: the server sends
// Push frames on stream 1 (wire §7.4), so the client keeps stream 1 out of its own routing
// table. After 0xFFFFFFFF every call fails with RESOURCE_EXHAUSTED; the caller must open a
// new connection.
//
// Thread-safety: thread-safe (a single atomic counter).
#ifndef LIMINAL_CLIENT_STREAM_ID_ALLOCATOR_H_
#define LIMINAL_CLIENT_STREAM_ID_ALLOCATOR_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"

namespace liminal::client {

class StreamIdAllocator {
 public:
  static constexpr uint32_t kFirstStreamId = 3;

  StreamIdAllocator() = default;
  // For tests of exhaustion: the first id handed out is `first` (must be odd).
  explicit StreamIdAllocator(uint32_t first) : next_(first) {}

  StreamIdAllocator(const StreamIdAllocator&) = delete;
  StreamIdAllocator& operator=(const StreamIdAllocator&) = delete;

  absl::StatusOr<uint32_t> Next();

 private:
  // 64 bits so the counter can run past 0xFFFFFFFF without wrapping into reused ids.
  std::atomic<uint64_t> next_{kFirstStreamId};
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_STREAM_ID_ALLOCATOR_H_
