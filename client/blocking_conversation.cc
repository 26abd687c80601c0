#include "client/blocking_conversation.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/client_error.h"
#include "client/internal/completion.h"

namespace liminal::client {

ConversationHandlers BlockingConversation::ErrorSlot::Handlers(
    const std::shared_ptr<ErrorSlot>& self) {
  return ConversationHandlers{.on_error = [self](absl::Status error) {
    absl::MutexLock lock(&self->mu);
    if (self->error.ok()) self->error = std::move(error);
  }};
}

absl::Status BlockingConversation::ErrorSlot::Take() {
  absl::MutexLock lock(&mu);
  return std::exchange(error, absl::OkStatus());
}

BlockingConversation::BlockingConversation(std::shared_ptr<IoThread> io, Conversation conversation,
                                           std::shared_ptr<ErrorSlot> errors)
    : io_(std::move(io)), conversation_(std::move(conversation)), errors_(std::move(errors)) {}

BlockingConversation::~BlockingConversation() { conversation_.Close(); }

absl::StatusOr<std::string> BlockingConversation::Request(std::string payload,
                                                          absl::Duration timeout) {
  if (absl::Status error = errors_->Take(); !error.ok()) return error;
  internal::Completion<absl::StatusOr<std::string>> reply;
  conversation_.Request(std::move(payload), timeout, reply.Callback());
  std::optional<absl::StatusOr<std::string>> result = reply.WaitFor(timeout);
  if (!result.has_value()) {
    return ClientTimeoutError(absl::StrCat("no reply on conversation ", conversation_.id(),
                                           " within ", absl::FormatDuration(timeout)));
  }
  return *std::move(result);
}

absl::Status BlockingConversation::Send(std::string payload, absl::Duration timeout) {
  if (absl::Status error = errors_->Take(); !error.ok()) return error;
  internal::Completion<absl::Status> queued;
  conversation_.Send(std::move(payload), queued.Callback());
  std::optional<absl::Status> result = queued.WaitFor(timeout);
  if (!result.has_value()) {
    return ClientTimeoutError(absl::StrCat("send on conversation ", conversation_.id(),
                                           " not queued within ", absl::FormatDuration(timeout)));
  }
  return *std::move(result);
}

}  // namespace liminal::client
