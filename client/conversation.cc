#include "client/conversation.h"

#include <utility>

#include "client/internal/connection_impl.h"

namespace liminal::client {

Conversation::Conversation(std::shared_ptr<internal::ConnectionImpl> impl, uint64_t id,
                           std::string subject)
    : impl_(std::move(impl)), id_(id), subject_(std::move(subject)) {}

void Conversation::Request(std::string payload, absl::Duration timeout, ReplyCallback done) const {
  if (!impl_) return done(absl::FailedPreconditionError("empty Conversation handle"));
  impl_->ConversationRequest(id_, std::move(payload), timeout, std::move(done));
}

void Conversation::Send(std::string payload, SendCallback done) const {
  if (!impl_) {
    if (done) done(absl::FailedPreconditionError("empty Conversation handle"));
    return;
  }
  impl_->ConversationSend(id_, std::move(payload), std::move(done));
}

void Conversation::Close() const {
  if (impl_) impl_->ConversationClose(id_);
}

}  // namespace liminal::client
