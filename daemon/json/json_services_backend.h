// JsonServicesBackend: the daemon's ServicesBackend (core/server/services/services_backend.h)
// — valijson schema validators and nlohmann-backed routing predicates —
// so the daemon can build the services from its configuration:
//
//   JsonServicesBackend backend;
//   absl::StatusOr<server::services::ServicesOptions> options =
//       server::services::ServicesOptionsFromConfig(config, backend, &metrics);
//   absl::StatusOr<std::unique_ptr<server::services::LiminalServices>> services =
//       server::services::LiminalServices::Create(runtime, *std::move(options));
#ifndef LIMINAL_DAEMON_JSON_JSON_SERVICES_BACKEND_H_
#define LIMINAL_DAEMON_JSON_JSON_SERVICES_BACKEND_H_

#include <memory>

#include "core/server/services/services_backend.h"

namespace liminal::daemon {

class JsonServicesBackend final : public server::services::ServicesBackend {
 public:
  absl::StatusOr<std::shared_ptr<const server::services::PayloadValidator>> CompileSchema(
      const config::ChannelConfig& channel) const override;
  absl::StatusOr<std::shared_ptr<const server::services::MessagePredicate>> CompilePredicate(
      const server::services::PredicateExpr& expr) const override;
};

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_JSON_JSON_SERVICES_BACKEND_H_
