// ServicesOptionsFromConfig: turns the validated configuration into ServicesOptions —
// channel schema ids (protocol/schema_id.h), validators (through the backend), routing predicates
// parsed with ParsePredicate and compiled by the backend, and the limits and windows. Every problem
// is reported at once, keyed like the configuration ("channels[1].schema_ref: ...",
// "routing_rules[0].predicate: expected a value after '==' at column 9").
//
//   JsonServicesBackend backend;                          // daemon/json/
//   absl::StatusOr<ServicesOptions> options =
//       ServicesOptionsFromConfig(config, backend, &metrics);
//   if (!options.ok()) { /* refuse to start; the message lists every error */ }
#ifndef LIMINAL_CORE_SERVER_SERVICES_SERVICES_CONFIG_H_
#define LIMINAL_CORE_SERVER_SERVICES_SERVICES_CONFIG_H_

#include "absl/status/statusor.h"
#include "core/config/server_config.h"
#include "core/metrics/server_metrics.h"
#include "core/server/services/services_backend.h"
#include "core/server/services/services_options.h"

namespace liminal::server::services {

absl::StatusOr<ServicesOptions> ServicesOptionsFromConfig(
    const config::ServerConfig& config, const ServicesBackend& backend,
    metrics::ServerMetrics* metrics = nullptr);

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SERVICES_CONFIG_H_
