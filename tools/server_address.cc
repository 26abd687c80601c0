#include "tools/server_address.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace liminal::tools {
namespace {

// True when `text` names a host without a port: "host", "[::1]" (one colon-free name, or a
// bracketed IPv6 literal with nothing after the bracket).
bool LacksPort(absl::string_view text) {
  if (!text.empty() && text.front() == '[') return text.back() == ']';
  return text.find(':') == absl::string_view::npos;
}

}  // namespace

absl::StatusOr<config::HostPort> ParseServerAddress(std::string_view text) {
  const absl::string_view view(text.data(), text.size());
  const std::string full =
      LacksPort(view) ? absl::StrCat(view, ":", kDefaultServerPort) : std::string(view);
  absl::StatusOr<config::HostPort> address = config::ParseHostPort(full);
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid server address '", view, "': expected HOST:PORT, HOST or ", "[IPv6]:PORT"));
  }
  if (address->port == 0) {
    return absl::InvalidArgumentError(absl::StrCat("invalid server address '", view, "': port 0"));
  }
  return address;
}

CLI::Validator ServerAddressFlag() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        absl::StatusOr<config::HostPort> address = ParseServerAddress(text);
        return address.ok() ? std::string() : std::string(address.status().message());
      },
      "");
}

}  // namespace liminal::tools
