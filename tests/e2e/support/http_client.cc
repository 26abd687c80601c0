#include "tests/e2e/support/http_client.h"

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace liminal::e2e {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Remaining(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? std::chrono::milliseconds(0) : left;
}

// Parses the status line and headers of `head` (everything before the blank line).
absl::Status ParseHead(absl::string_view head, HttpResponse& response) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  const std::vector<absl::string_view> status_line =
      absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
  if (status_line.size() < 2 || !absl::StartsWith(status_line[0], "HTTP/1.") ||
      !absl::SimpleAtoi(status_line[1], &response.status)) {
    return absl::DataLossError(absl::StrCat("bad status line: '", lines[0], "'"));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) {
      return absl::DataLossError(absl::StrCat("bad header line: '", lines[i], "'"));
    }
    response.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string HttpResponse::Header(absl::string_view name) const {
  auto it = headers.find(absl::AsciiStrToLower(name));
  return it == headers.end() ? "" : it->second;
}

absl::StatusOr<HttpResponse> ReadHttpResponse(TcpConnection& connection,
                                              std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string raw;
  size_t head_end = std::string::npos;
  while ((head_end = raw.find("\r\n\r\n")) == std::string::npos) {
    absl::StatusOr<std::string> more = connection.ReadAtLeast(1, Remaining(deadline));
    if (!more.ok()) return more.status();
    if (more->empty()) {
      return absl::DataLossError(
          absl::StrCat("connection closed before a full response header: '", raw, "'"));
    }
    raw += *more;
  }
  HttpResponse response;
  if (absl::Status head = ParseHead(absl::string_view(raw).substr(0, head_end), response);
      !head.ok()) {
    return head;
  }
  size_t length = 0;
  if (!absl::SimpleAtoi(response.Header("content-length"), &length)) {
    return absl::DataLossError("response without a Content-Length");
  }
  response.body = raw.substr(head_end + 4);
  if (response.body.size() < length) {
    absl::StatusOr<std::string> rest =
        connection.ReadAtLeast(length - response.body.size(), Remaining(deadline));
    if (!rest.ok()) return rest.status();
    response.body += *rest;
  }
  if (response.body.size() < length) {
    return absl::DataLossError(
        absl::StrCat("body truncated at ", response.body.size(), " of ", length, " bytes"));
  }
  response.body.resize(length);
  return response;
}

absl::StatusOr<HttpResponse> HttpExchange(const config::HostPort& address,
                                          absl::string_view raw_request,
                                          std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  absl::StatusOr<TcpConnection> connection = TcpConnection::Connect(address, timeout);
  if (!connection.ok()) return connection.status();
  if (absl::Status sent = connection->Send(raw_request, Remaining(deadline)); !sent.ok()) {
    return sent;
  }
  return ReadHttpResponse(*connection, Remaining(deadline));
}

absl::StatusOr<HttpResponse> HttpRequest(const config::HostPort& address, absl::string_view method,
                                         absl::string_view path,
                                         std::chrono::milliseconds timeout) {
  return HttpExchange(address,
                      absl::StrCat(method, " ", path, " HTTP/1.1\r\nHost: ", address.ToString(),
                                   "\r\nConnection: close\r\n\r\n"),
                      timeout);
}

absl::StatusOr<HttpResponse> HttpGet(const config::HostPort& address, absl::string_view path,
                                     std::chrono::milliseconds timeout) {
  return HttpRequest(address, "GET", path, timeout);
}

}  // namespace liminal::e2e
