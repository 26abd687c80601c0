// ServicesBackend: what ServicesOptionsFromConfig (services_config.h) needs but core cannot
// do itself, because it links no JSON library: JSON Schema validators, and JSON evaluation of
// routing predicates. The
// daemon's implementation is daemon/json/json_services_backend.h; tests use fakes.
//
//   class FakeBackend : public ServicesBackend { ... };
//   absl::StatusOr<ServicesOptions> options = ServicesOptionsFromConfig(config, FakeBackend());
#ifndef LIMINAL_CORE_SERVER_SERVICES_SERVICES_BACKEND_H_
#define LIMINAL_CORE_SERVER_SERVICES_SERVICES_BACKEND_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/config/server_config.h"
#include "core/protocol/envelope.h"
#include "core/server/services/payload_validator.h"
#include "core/server/services/routing/message_predicate.h"
#include "core/server/services/routing/predicate_expr.h"

namespace liminal::server::services {

class ServicesBackend {
 public:
  virtual ~ServicesBackend() = default;
  // The channel's validator: null when it has no schema file; an error when the schema
  // document cannot be used (the message names the problem, not the channel).
  virtual absl::StatusOr<std::shared_ptr<const PayloadValidator>> CompileSchema(
      const config::ChannelConfig& channel) const = 0;
  // A matcher for a parsed routing predicate.
  virtual absl::StatusOr<std::shared_ptr<const MessagePredicate>> CompilePredicate(
      const PredicateExpr& expr) const = 0;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SERVICES_BACKEND_H_
