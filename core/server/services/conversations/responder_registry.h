// ResponderRegistry: which Responder answers conversations on which subject
// (server-behaviour.md §4). Subjects without a registration get the built-in EchoResponder.
// Applications register through EmbeddedServer::RegisterResponder (embedded_server.h) or
// LiminalServices::responders().
//
//   registry.Register("pricing", [] { return std::make_unique<PricingResponder>(); });
//   registry.Register("clock", ResponderFromFunction(
//       [](ParticipantContext&, std::string, ReplyHandle reply) { reply.Send("tick"); }));
//   std::unique_ptr<Responder> r = registry.Create("pricing");   // a new PricingResponder
//   registry.RegisterPrefix("worker.", MakeDispatcher);  // every subject starting "worker."
//
// Lookup order: the exact subject, then the longest registered prefix of it, then echo.
//
// Registration changes apply to conversations opened afterwards; open ones keep theirs.
// Thread-safe; factories are called outside the registry's lock.
#ifndef LIMINAL_CORE_SERVER_SERVICES_RESPONDER_REGISTRY_H_
#define LIMINAL_CORE_SERVER_SERVICES_RESPONDER_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "core/runtime/mutex.h"
#include "core/server/services/conversations/responder.h"

namespace liminal::server::services {

class ResponderRegistry {
 public:
  explicit ResponderRegistry(std::unique_ptr<runtime::Mutex> mu) : mu_(std::move(mu)) {}

  // AlreadyExists if `subject` has a responder; InvalidArgument for a null factory.
  absl::Status Register(std::string subject, ResponderFactory factory);
  // Serves every subject that starts with `prefix` and has no exact registration (the
  // responder reads the full subject from ParticipantContext::subject()). AlreadyExists if
  // the prefix is taken; InvalidArgument for an empty prefix or a null factory.
  absl::Status RegisterPrefix(std::string prefix, ResponderFactory factory);
  // False if nothing was registered for `subject`.
  bool Unregister(std::string_view subject);
  bool Contains(std::string_view subject) const;

  // A new responder for a conversation on `subject`: from its factory, else an EchoResponder.
  // Null when the registered factory returned null.
  std::unique_ptr<Responder> Create(std::string_view subject) const;

 private:
  std::unique_ptr<runtime::Mutex> mu_;
  absl::btree_map<std::string, ResponderFactory, std::less<>> factories_ ABSL_GUARDED_BY(*mu_);
  absl::btree_map<std::string, ResponderFactory, std::less<>> prefixes_ ABSL_GUARDED_BY(*mu_);
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_RESPONDER_REGISTRY_H_
