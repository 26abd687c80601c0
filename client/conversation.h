// A conversation with the participant behind a subject (wire-protocol.md §2.6,
// server-behaviour.md §4).
//
//   absl::StatusOr<Conversation> conv = connection->OpenConversation("pricing");
//   conv->Request(R"({"sku":"A1"})", absl::Seconds(2), [](absl::StatusOr<std::string> reply) {
//     if (reply.ok()) Use(*reply);
//     else if (GetReasonCode(reply.status()) == 0x0105) { /* E_REPLY_TIMEOUT from server */ }
//     else if (IsClientTimeout(reply.status())) { /* our own deadline */ }
//   });
//   conv->Send("fire-and-forget");
//   conv->Close();
//
// Opening sends ConversationOpen on a fresh stream; the server answers only on failure (a
// ConversationError), so the open is optimistic: a failure ends the conversation, fails its
// pending requests and is reported to ConversationHandlers::on_error. The conversation id is
// chosen by the client (it equals the stream id).
//
// Replies carry no request id, so the server answers flagged requests in order; the client
// matches them FIFO. A request that times out on the client keeps its place in that queue,
// so its late reply is discarded instead of being handed to the next request.
//
// Which ConversationErrors end the conversation: E_CONVERSATION_OPEN, E_CONVERSATION_UNKNOWN
// and E_PARTICIPANT_CRASHED end it and fail every pending request. Any other code (e.g.
// E_REPLY_TIMEOUT) fails the oldest pending request, or goes to on_error if none is pending.
//
// Thread-safety: Conversation is a small copyable handle; every method may be called from
// any thread and returns at once (the work is posted to the connection's strand). Callbacks
// run on the connection's strand and must not block.
#ifndef LIMINAL_CLIENT_CONVERSATION_H_
#define LIMINAL_CLIENT_CONVERSATION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace liminal::client {

namespace internal {
class ConnectionImpl;
}  // namespace internal

struct ConversationHandlers {
  // Optional. Errors no request can take: a failed open, a crashed participant with nothing
  // pending, or an error for a fire-and-forget Send.
  absl::AnyInvocable<void(absl::Status)> on_error;
};

class Conversation {
 public:
  using ReplyCallback = absl::AnyInvocable<void(absl::StatusOr<std::string>)>;
  using SendCallback = absl::AnyInvocable<void(absl::Status)>;

  // An empty handle; operations fail with FAILED_PRECONDITION.
  Conversation() = default;

  uint64_t id() const { return id_; }
  const std::string& subject() const { return subject_; }

  // Sends `payload` with REPLY_REQUESTED (0x01) and completes with the participant's reply
  // payload, the server's ConversationError, a client timeout after `timeout`, CANCELLED if
  // the conversation is closed first, or a Disconnected error.
  void Request(std::string payload, absl::Duration timeout, ReplyCallback done) const;

  // Sends `payload` without asking for a reply. `done` (optional) runs with OK once the
  // frame is queued for writing, or with the reason it could not be.
  void Send(std::string payload, SendCallback done = nullptr) const;

  // Sends ConversationClose; pending requests fail with CANCELLED. Idempotent.
  void Close() const;

 private:
  friend class internal::ConnectionImpl;
  Conversation(std::shared_ptr<internal::ConnectionImpl> impl, uint64_t id, std::string subject);

  std::shared_ptr<internal::ConnectionImpl> impl_;
  uint64_t id_ = 0;
  std::string subject_;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_CONVERSATION_H_
