// MessagePredicate: the compiled form of a routing rule's predicate (server-behaviour.md §3,
// "Routing rules"). Parsing the expression text is pure and lives in core
// (predicate_parser.h); evaluating it needs a JSON parser, so the services only see this
// interface and the daemon supplies the implementation (daemon/json/json_predicate.h).
//
//   std::shared_ptr<const MessagePredicate> p = backend.CompilePredicate(*expr).value();
//   if (p->Matches(envelope.payload)) { /* route a copy to the rule's target */ }
#ifndef LIMINAL_CORE_SERVER_SERVICES_MESSAGE_PREDICATE_H_
#define LIMINAL_CORE_SERVER_SERVICES_MESSAGE_PREDICATE_H_

#include <string_view>

namespace liminal::server::services {

class MessagePredicate {
 public:
  virtual ~MessagePredicate() = default;
  // True when the payload matches. A payload that is not JSON never matches. Called
  // concurrently from many connections: must be thread-safe and must not block.
  virtual bool Matches(std::string_view payload) const = 0;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_MESSAGE_PREDICATE_H_
