#include "core/server/services/conversations/reply_handle.h"

#include <utility>

#include "core/server/services/conversations/reply_inbox.h"

namespace liminal::server::services {

ReplyHandle::ReplyHandle(ReplyHandle&& other) noexcept
    : inbox_(std::move(other.inbox_)), request_(std::exchange(other.request_, 0)) {}

ReplyHandle& ReplyHandle::operator=(ReplyHandle&& other) noexcept {
  inbox_ = std::move(other.inbox_);
  request_ = std::exchange(other.request_, 0);
  return *this;
}

bool ReplyHandle::Send(std::string payload) {
  const uint64_t request = std::exchange(request_, 0);
  if (request == 0) return false;
  std::shared_ptr<ReplyInbox> inbox = inbox_.lock();
  inbox_.reset();
  return inbox != nullptr && inbox->Complete(request, std::move(payload));
}

}  // namespace liminal::server::services
