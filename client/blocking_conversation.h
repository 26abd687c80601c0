// A conversation of a BlockingClient (see conversation.h for the protocol rules).
//
//   absl::StatusOr<std::unique_ptr<BlockingConversation>> conv =
//       client->OpenConversation("pricing");
//   absl::StatusOr<std::string> reply = (*conv)->Request(R"({"sku":"A1"})", absl::Seconds(2));
//   absl::Status sent = (*conv)->Send("note", absl::Seconds(1));
//   (*conv)->Close();   // the destructor closes too
//
// Errors that no request can take (a failed open, a crashed participant while nothing is
// pending) are returned by the next Request() or Send() call.
//
// Thread-safety: thread-safe. Concurrent requests are answered in the order they were sent.
#ifndef LIMINAL_CLIENT_BLOCKING_CONVERSATION_H_
#define LIMINAL_CLIENT_BLOCKING_CONVERSATION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/conversation.h"
#include "client/io_thread.h"

namespace liminal::client {

class BlockingConversation {
 public:
  BlockingConversation(const BlockingConversation&) = delete;
  BlockingConversation& operator=(const BlockingConversation&) = delete;
  ~BlockingConversation();

  uint64_t id() const { return conversation_.id(); }

  // Sends with REPLY_REQUESTED and waits up to `timeout` for the reply payload.
  absl::StatusOr<std::string> Request(std::string payload, absl::Duration timeout);

  // Sends without asking for a reply; waits up to `timeout` for the frame to be queued.
  absl::Status Send(std::string payload, absl::Duration timeout);

  // Sends ConversationClose; pending requests fail with CANCELLED. Idempotent.
  void Close() { conversation_.Close(); }

 private:
  friend class BlockingClient;

  // Errors reported through ConversationHandlers::on_error, kept for the next call.
  struct ErrorSlot {
    absl::Mutex mu;
    absl::Status error ABSL_GUARDED_BY(mu);

    ConversationHandlers Handlers(const std::shared_ptr<ErrorSlot>& self);
    absl::Status Take();
  };

  BlockingConversation(std::shared_ptr<IoThread> io, Conversation conversation,
                       std::shared_ptr<ErrorSlot> errors);

  std::shared_ptr<IoThread> io_;  // first: destroyed after the handle bound to it
  Conversation conversation_;
  std::shared_ptr<ErrorSlot> errors_;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_BLOCKING_CONVERSATION_H_
