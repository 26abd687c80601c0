// Minimal HTTP/1.1 client for probing liminald's health endpoint in tests: one request per
// call, a deadline on every step, raw requests allowed (to test malformed input).
//
//   absl::StatusOr<HttpResponse> r = HttpGet(daemon.health(), "/ready", 2s);
//   ASSERT_TRUE(r.ok()) << r.status();
//   EXPECT_EQ(r->status, 200);
//   EXPECT_EQ(r->Header("content-type"), "application/json");
//   HttpExchange(address, "BREW /pot HTTP/1.1\r\n\r\n", 2s);       // any bytes at all
//
// Responses are framed by Content-Length (the health endpoint always sends one), so
// ReadHttpResponse() also works on a kept-alive connection.
#ifndef LIMINAL_TESTS_E2E_SUPPORT_HTTP_CLIENT_H_
#define LIMINAL_TESTS_E2E_SUPPORT_HTTP_CLIENT_H_

#include <chrono>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/config/host_port.h"
#include "tests/e2e/support/tcp_connection.h"

namespace liminal::e2e {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value, or "" when absent. `name` is case-insensitive.
  std::string Header(absl::string_view name) const;
};

// `GET path` with "Connection: close".
absl::StatusOr<HttpResponse> HttpGet(const config::HostPort& address, absl::string_view path,
                                     std::chrono::milliseconds timeout);

// Any method, no body, "Connection: close".
absl::StatusOr<HttpResponse> HttpRequest(const config::HostPort& address, absl::string_view method,
                                         absl::string_view path, std::chrono::milliseconds timeout);

// Sends `raw_request` as-is on a new connection and reads one response.
absl::StatusOr<HttpResponse> HttpExchange(const config::HostPort& address,
                                          absl::string_view raw_request,
                                          std::chrono::milliseconds timeout);

// Reads one response (status line, headers, Content-Length body) from `connection`.
absl::StatusOr<HttpResponse> ReadHttpResponse(TcpConnection& connection,
                                              std::chrono::milliseconds timeout);

}  // namespace liminal::e2e

#endif  // LIMINAL_TESTS_E2E_SUPPORT_HTTP_CLIENT_H_
