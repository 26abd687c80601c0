// Responder: the application code that answers a conversation's messages
// (server-behaviour.md §4). Each open conversation gets its own Responder, created from the
// factory registered for the conversation's subject (responder_registry.h), and runs inside
// its own runtime process, the conversation's *participant*. A responder therefore never
// runs two messages at once and may keep per-conversation state in members.
//
//   class Uppercase : public Responder {
//    public:
//     void OnMessage(ParticipantContext& ctx, std::string payload, ReplyHandle reply) override {
//       absl::AsciiStrToUpper(&payload);
//       reply.Send(std::move(payload));     // or keep `reply` and answer later, anywhere
//     }
//   };
//   registry.Register("upper", [] { return std::make_unique<Uppercase>(); });
//
// OnMessage receives the payload of every ConversationMessage (schema id and causal context
// are not passed on). Only messages the client flagged REPLY_REQUESTED can be answered; for
// the others reply.wants_reply() is false and Send does nothing. Never block in OnMessage:
// hand slow work elsewhere and reply through the handle. There are no exceptions in core:
// a responder that cannot go on calls ctx.Crash(why), which ends its participant the way a
// crash would (the client gets E_PARTICIPANT_CRASHED). The responder is destroyed when the
// conversation closes, its connection closes, or it crashes.
#ifndef LIMINAL_CORE_SERVER_SERVICES_RESPONDER_H_
#define LIMINAL_CORE_SERVER_SERVICES_RESPONDER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/runtime/pid.h"
#include "core/server/services/conversations/reply_handle.h"

namespace liminal::server::services {

// What a responder can learn about, and do to, its participant.
class ParticipantContext {
 public:
  virtual ~ParticipantContext() = default;
  virtual runtime::Pid pid() const = 0;
  virtual uint64_t conversation_id() const = 0;
  virtual const std::string& subject() const = 0;
  // Ends the participant as a crash once OnMessage returns; later messages are not run.
  virtual void Crash(std::string detail) = 0;
};

class Responder {
 public:
  virtual ~Responder() = default;
  virtual void OnMessage(ParticipantContext& context, std::string payload, ReplyHandle reply) = 0;
};

// Makes one Responder per conversation. Called in the connection's process when the
// conversation opens; must be thread-safe. Returning null refuses the conversation.
using ResponderFactory = std::function<std::unique_ptr<Responder>()>;

// A factory of stateless responders that all call `on_message`.
using ResponderFunction = std::function<void(ParticipantContext&, std::string, ReplyHandle)>;
ResponderFactory ResponderFromFunction(ResponderFunction on_message);

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_RESPONDER_H_
