// The client's outbound queue: frames are encoded straight into one pending buffer, and the
// whole buffer goes to the socket in a single write, with at most one write in flight.
//
//   OutboundQueue queue;
//   if (absl::Status s = queue.Enqueue(frame); !s.ok()) { /* frame refused by the encoder */ }
//   if (queue.StartWrite()) {
//     async_write(socket, buffer(queue.in_flight()), [&](error_code ec, size_t) {
//       queue.FinishWrite();
//       if (!ec) { /* StartWrite() again: frames queued meanwhile form the next batch */ }
//     });
//   }
//
// While a write is in flight, newly enqueued frames accumulate in the pending buffer and
// become the next batch, so a burst of small frames costs one syscall per batch rather than
// one per frame. The two buffers swap roles and keep their capacity between batches.
//
// Thread-safety: not thread-safe; owned by one connection's strand.
#ifndef LIMINAL_CLIENT_OUTBOUND_QUEUE_H_
#define LIMINAL_CLIENT_OUTBOUND_QUEUE_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "core/protocol/frame.h"

namespace liminal::client {

class OutboundQueue {
 public:
  // Appends the frame's wire bytes to the pending batch. On an encoder error nothing is
  // queued and the error (INVALID_ARGUMENT) is returned.
  absl::Status Enqueue(const protocol::Frame& frame);
  // The same for a Publish on `stream_id`, encoded without building a Frame.
  absl::Status EnqueuePublish(uint32_t stream_id, const protocol::Publish& publish);

  // If no write is in flight and bytes are pending, moves them into in_flight() and returns
  // true; the caller must then write in_flight() and call FinishWrite(). Returns false
  // otherwise.
  bool StartWrite();
  // Precondition: writing().
  void FinishWrite();

  bool writing() const { return writing_; }
  const std::string& in_flight() const { return in_flight_; }
  // Bytes queued behind the write in flight.
  size_t pending_bytes() const { return pending_.size(); }
  // True when nothing is pending and nothing is in flight.
  bool idle() const { return !writing_ && pending_.empty(); }

 private:
  std::string pending_;
  std::string in_flight_;
  bool writing_ = false;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_OUTBOUND_QUEUE_H_
