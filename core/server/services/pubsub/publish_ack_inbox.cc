#include "core/server/services/pubsub/publish_ack_inbox.h"

#include <iterator>
#include <utility>

namespace liminal::server::services {

using runtime::MutexLock;

void PublishAckInbox::SetOwner(runtime::Pid owner) {
  MutexLock lock(*mu_);
  owner_ = owner;
}

void PublishAckInbox::Post(protocol::Frame frame) {
  runtime::Pid wake = runtime::kNoPid;
  {
    MutexLock lock(*mu_);
    if (shut_down_) return;
    if (frames_.empty()) wake = owner_;
    frames_.push_back(std::move(frame));
  }
  // A failed wake means the connection is gone; its release drops the frame.
  if (wake != runtime::kNoPid) scheduler_.Send(wake, runtime::Wake{});
}

void PublishAckInbox::Take(std::vector<protocol::Frame>& out) {
  MutexLock lock(*mu_);
  out.insert(out.end(), std::make_move_iterator(frames_.begin()),
             std::make_move_iterator(frames_.end()));
  frames_.clear();
}

void PublishAckInbox::Shutdown() {
  MutexLock lock(*mu_);
  shut_down_ = true;
  frames_.clear();
}

}  // namespace liminal::server::services
