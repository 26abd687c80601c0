// The health endpoint's routing table (server-behaviour.md §7), separate from the HTTP
// plumbing in health_server.h so the answers can be read (and tested) in one place:
//
//   GET /health   200 {"status":"healthy","message":null}
//   GET /ready    200 or 503 {"ready":bool,"unmet_conditions":[...]}
//   GET /metrics  200 Prometheus text (text/plain; version=0.0.4)
//   other method on those paths -> 405 (Allow: GET); any other path -> 404.
//
// A query string is ignored ("/ready?verbose" is "/ready"). Malformed requests never get here:
// the server answers them with 400 itself (BadRequestResponse()).
#ifndef LIMINAL_IO_HEALTH_HEALTH_ROUTES_H_
#define LIMINAL_IO_HEALTH_HEALTH_ROUTES_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "io/health/readiness.h"

namespace liminal::io {

struct HealthResponse {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  bool allow_get = false;  // send "Allow: GET" (405 answers)
};

// Produces the Prometheus text for GET /metrics.
using MetricsRenderer = std::function<std::string()>;

inline constexpr absl::string_view kPrometheusContentType = "text/plain; version=0.0.4";

HealthResponse RouteHealthRequest(absl::string_view method, absl::string_view target,
                                  const Readiness& readiness, const MetricsRenderer& metrics);

// The 400 answer for a request that could not be parsed; `reason` is the parser's message.
HealthResponse BadRequestResponse(absl::string_view reason);

}  // namespace liminal::io

#endif  // LIMINAL_IO_HEALTH_HEALTH_ROUTES_H_
