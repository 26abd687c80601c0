// The liminald address given with --server / LIMINAL_SERVER: "HOST:PORT", "[IPv6]:PORT", or
// a bare "HOST" / "[IPv6]" meaning port 7400.
//
//   absl::StatusOr<config::HostPort> address = ParseServerAddress("localhost");
//   address->ToString();   // "localhost:7400"
//
// Port 0 is refused (there is nothing to connect to); the host is not resolved here.
#ifndef LIMINAL_TOOLS_SERVER_ADDRESS_H_
#define LIMINAL_TOOLS_SERVER_ADDRESS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/config/host_port.h"

namespace liminal::tools {

inline constexpr uint16_t kDefaultServerPort = 7400;

absl::StatusOr<config::HostPort> ParseServerAddress(std::string_view text);

// A CLI11 validator accepting what ParseServerAddress accepts (a usage error otherwise).
CLI::Validator ServerAddressFlag();

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_SERVER_ADDRESS_H_
