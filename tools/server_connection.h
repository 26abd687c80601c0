// Connecting a command to liminald as the global options say (--server / LIMINAL_SERVER,
// --token / LIMINAL_TOKEN, --connect-timeout).
//
//   absl::StatusOr<std::unique_ptr<client::BlockingClient>> client =
//       ConnectToServer(global);
//   if (!client.ok()) return ReportConnectFailure(io.err, "ping", client.status());
//
// A bad --server or --connect-timeout is an INVALID_ARGUMENT status (exit 2); anything else
// (refused, unreachable, handshake timeout, authentication failure) is a connection failure
// (exit 3) whose message names the address, e.g.
//   liminal ping: cannot connect to liminald at 127.0.0.1:7400: disconnected: cannot
//   connect to 127.0.0.1:7400: Connection refused
#ifndef LIMINAL_TOOLS_SERVER_CONNECTION_H_
#define LIMINAL_TOOLS_SERVER_CONNECTION_H_

#include <memory>
#include <ostream>
#include <string_view>

#include "absl/status/statusor.h"
#include "client/blocking_client.h"
#include "tools/global_options.h"

namespace liminal::tools {

absl::StatusOr<std::unique_ptr<client::BlockingClient>> ConnectToServer(
    const GlobalOptions& global);

// Prints "liminal <command>: <message>" and returns kExitUsage for INVALID_ARGUMENT,
// kExitConnection otherwise.
int ReportConnectFailure(std::ostream& err, std::string_view command, const absl::Status& status);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_SERVER_CONNECTION_H_
