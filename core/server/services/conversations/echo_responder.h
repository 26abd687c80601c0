// EchoResponder: the built-in participant of every conversation whose subject has no
// registered responder (server-behaviour.md §4, wire-protocol.md §7.2): each flagged message
// is answered at once with its own payload.
#ifndef LIMINAL_CORE_SERVER_SERVICES_ECHO_RESPONDER_H_
#define LIMINAL_CORE_SERVER_SERVICES_ECHO_RESPONDER_H_

#include <string>

#include "core/server/services/conversations/responder.h"

namespace liminal::server::services {

class EchoResponder final : public Responder {
 public:
  void OnMessage(ParticipantContext& context, std::string payload, ReplyHandle reply) override {
    (void)context;
    reply.Send(std::move(payload));
  }
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_ECHO_RESPONDER_H_
