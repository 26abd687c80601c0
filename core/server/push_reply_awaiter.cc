#include "core/server/push_reply_awaiter.h"

#include "core/server/connection_supervisor.h"

namespace liminal::server {

PushReplyAwaiter& PushReplyAwaiter::operator=(PushReplyAwaiter&& other) noexcept {
  if (this != &other) {
    if (slot_ != nullptr) supervisor_->AbandonSlot(slot_);
    supervisor_ = other.supervisor_;
    slot_ = std::move(other.slot_);
  }
  return *this;
}

PushReplyAwaiter::~PushReplyAwaiter() {
  if (slot_ != nullptr) supervisor_->AbandonSlot(slot_);
}

PushResult PushReplyAwaiter::Receive(absl::Duration timeout) {
  if (slot_ == nullptr) return PushResult{PushOutcome::kDisconnected, ""};
  std::shared_ptr<ReplySlot> slot = std::move(slot_);
  if (slot->correlation_id == 0) {
    supervisor_->RecordEvent({SupervisorEventKind::kAwaiterDisconnected, slot->owner, 0});
    return PushResult{PushOutcome::kDisconnected, ""};
  }
  return supervisor_->AwaitSlot(slot, timeout);
}

}  // namespace liminal::server
