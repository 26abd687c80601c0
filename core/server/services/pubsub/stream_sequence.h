// StreamSequence: the delivery_seq counter of one client stream. Deliveries of every
// subscription on the stream take their sequence numbers from it, so a client that routes
// Deliver frames by stream (the reference SDK puts all of a handle's subscriptions on
// stream 1) sees 1, 2, 3, ... on that stream, with no repeats (reference-compat.md §2).
//
//   auto sequence = std::make_shared<StreamSequence>();
//   uint64_t seq = sequence->Next();   // 1, then 2, ...
//
// Owner-side only: the subscriber's connection process is its sole user; not thread-safe.
#ifndef LIMINAL_CORE_SERVER_SERVICES_STREAM_SEQUENCE_H_
#define LIMINAL_CORE_SERVER_SERVICES_STREAM_SEQUENCE_H_

#include <cstdint>

namespace liminal::server::services {

class StreamSequence {
 public:
  uint64_t Next() { return next_++; }

 private:
  uint64_t next_ = 1;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_STREAM_SEQUENCE_H_
