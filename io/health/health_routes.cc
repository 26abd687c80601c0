#include "io/health/health_routes.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace liminal::io {
namespace {

constexpr absl::string_view kJson = "application/json";
constexpr absl::string_view kText = "text/plain; charset=utf-8";

// Condition names are identifiers, but escape anyway so the body is always valid JSON.
std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(&out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

HealthResponse ReadyResponse(const Readiness& readiness) {
  const std::vector<std::string> unmet = readiness.Unmet();
  std::string body =
      absl::StrCat("{\"ready\":", unmet.empty() ? "true" : "false", ",\"unmet_conditions\":[");
  for (size_t i = 0; i < unmet.size(); ++i) {
    absl::StrAppend(&body, i == 0 ? "" : ",", JsonString(unmet[i]));
  }
  body += "]}";
  return {unmet.empty() ? 200u : 503u, std::string(kJson), std::move(body)};
}

}  // namespace

HealthResponse RouteHealthRequest(absl::string_view method, absl::string_view target,
                                  const Readiness& readiness, const MetricsRenderer& metrics) {
  const absl::string_view path = target.substr(0, target.find('?'));
  if (path != "/health" && path != "/ready" && path != "/metrics") {
    return {404, std::string(kText), "not found\n"};
  }
  if (method != "GET") {
    return {405, std::string(kText), "method not allowed\n", /*allow_get=*/true};
  }
  if (path == "/health") {
    return {200, std::string(kJson), R"({"status":"healthy","message":null})"};
  }
  if (path == "/ready") return ReadyResponse(readiness);
  return {200, std::string(kPrometheusContentType), metrics ? metrics() : std::string()};
}

HealthResponse BadRequestResponse(absl::string_view reason) {
  return {400, std::string(kText), absl::StrCat("bad request: ", reason, "\n")};
}

}  // namespace liminal::io
