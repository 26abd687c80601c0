#include "client/outbound_queue.h"

#include <utility>

#include "core/protocol/frame_encoder.h"

namespace liminal::client {

absl::Status OutboundQueue::Enqueue(const protocol::Frame& frame) {
  return protocol::EncodeFrame(frame, pending_);
}

absl::Status OutboundQueue::EnqueuePublish(uint32_t stream_id, const protocol::Publish& publish) {
  return protocol::EncodePublish(stream_id, publish, pending_);
}

bool OutboundQueue::StartWrite() {
  if (writing_ || pending_.empty()) return false;
  std::swap(pending_, in_flight_);
  writing_ = true;
  return true;
}

void OutboundQueue::FinishWrite() {
  in_flight_.clear();
  writing_ = false;
}

}  // namespace liminal::client
