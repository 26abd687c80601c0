// HostPort: a listen address such as "127.0.0.1:7400" or "[::1]:7401", parsed from text and
// printed back in the same form.
//
//   absl::StatusOr<HostPort> hp = ParseHostPort("127.0.0.1:7400");
//   if (!hp.ok()) return hp.status();   // "expected host:port, got '...'"
//   hp->ToString();                      // "127.0.0.1:7400"
//
// Parsing is purely textual: the host is not resolved and port 0 is accepted here (whether
// port 0 is allowed is a validation rule, see validate.h).
#ifndef LIMINAL_CORE_CONFIG_HOST_PORT_H_
#define LIMINAL_CORE_CONFIG_HOST_PORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace liminal::config {

struct HostPort {
  std::string host;  // IPv4/IPv6 literal or host name, without IPv6 brackets
  uint16_t port = 0;

  // "host:port", with brackets around IPv6 hosts ("[::1]:7400").
  std::string ToString() const;

  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// Parses "host:port" or "[ipv6]:port". The host must be non-empty and the port a decimal
// number in 0..65535.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view text);

}  // namespace liminal::config

#endif  // LIMINAL_CORE_CONFIG_HOST_PORT_H_
