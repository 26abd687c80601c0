#include "daemon/json/json_services_backend.h"

#include "daemon/json/json_predicate.h"
#include "daemon/json/json_schema_validator.h"

namespace liminal::daemon {

absl::StatusOr<std::shared_ptr<const server::services::PayloadValidator>>
JsonServicesBackend::CompileSchema(const config::ChannelConfig& channel) const {
  if (!channel.schema_ref.has_value()) return nullptr;
  absl::StatusOr<std::shared_ptr<const JsonSchemaValidator>> validator =
      JsonSchemaValidator::Create(channel.schema_document);
  if (!validator.ok()) return validator.status();
  return std::shared_ptr<const server::services::PayloadValidator>(*std::move(validator));
}

absl::StatusOr<std::shared_ptr<const server::services::MessagePredicate>>
JsonServicesBackend::CompilePredicate(const server::services::PredicateExpr& expr) const {
  return std::make_shared<JsonPredicate>(expr);
}

}  // namespace liminal::daemon
