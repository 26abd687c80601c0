// ReplyHandle: how a Responder answers one conversation message (server-behaviour.md §4).
// Each message handed to a responder comes with a handle. Sending on it delivers the reply
// to the client as ConversationMessage(flags 0x01) on the request's stream, whenever that
// happens: now, later, or from another thread.
//
//   void OnMessage(ParticipantContext& ctx, std::string payload, ReplyHandle reply) override {
//     worker_pool.Run([payload, reply = std::move(reply)]() mutable {
//       reply.Send(Compute(payload));
//     });
//   }
//
// A handle replies at most once, and only to its own request. Send has no effect (returns
// false) when the message was sent without REPLY_REQUESTED, when the request already timed
// out (the client got E_REPLY_TIMEOUT), after the conversation closed, or on a second call.
// Dropping a handle without sending is allowed: the client then gets E_REPLY_TIMEOUT.
// Move-only; thread-safe; may outlive the conversation and the connection.
#ifndef LIMINAL_CORE_SERVER_SERVICES_REPLY_HANDLE_H_
#define LIMINAL_CORE_SERVER_SERVICES_REPLY_HANDLE_H_

#include <cstdint>
#include <memory>
#include <string>

namespace liminal::server::services {

class ReplyInbox;

class ReplyHandle {
 public:
  // A handle that replies to nothing (an unflagged message).
  ReplyHandle() = default;
  ReplyHandle(std::weak_ptr<ReplyInbox> inbox, uint64_t request)
      : inbox_(std::move(inbox)), request_(request) {}
  ReplyHandle(ReplyHandle&& other) noexcept;
  ReplyHandle& operator=(ReplyHandle&& other) noexcept;
  ReplyHandle(const ReplyHandle&) = delete;
  ReplyHandle& operator=(const ReplyHandle&) = delete;

  // True when the client asked for a reply and none has been sent through this handle yet.
  bool wants_reply() const { return request_ != 0; }

  // Delivers `payload` as the reply. True if it was accepted (the request was still waiting).
  bool Send(std::string payload);

 private:
  std::weak_ptr<ReplyInbox> inbox_;
  uint64_t request_ = 0;  // 0: nothing to reply to
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_REPLY_HANDLE_H_
