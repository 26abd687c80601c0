#include "core/server/push_reply_awaiter.h"

#include "core/server/push_correlator.h"

namespace liminal::server {

PushReplyAwaiter& PushReplyAwaiter::operator=(PushReplyAwaiter&& other) noexcept {
  if (this != &other) {
    if (slot_ != nullptr) pushes_->AbandonSlot(slot_);
    pushes_ = other.pushes_;
    slot_ = std::move(other.slot_);
  }
  return *this;
}

PushReplyAwaiter::~PushReplyAwaiter() {
  if (slot_ != nullptr) pushes_->AbandonSlot(slot_);
}

PushResult PushReplyAwaiter::Receive(absl::Duration timeout) {
  if (slot_ == nullptr) return PushResult{PushOutcome::kDisconnected, ""};
  std::shared_ptr<ReplySlot> slot = std::move(slot_);
  if (slot->correlation_id == 0) {
    pushes_->RecordEvent({SupervisorEventKind::kAwaiterDisconnected, slot->owner, 0});
    return PushResult{PushOutcome::kDisconnected, ""};
  }
  return pushes_->AwaitSlot(slot, timeout);
}

}  // namespace liminal::server
