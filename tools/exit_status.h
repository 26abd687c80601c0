// Turning a failed operation into an error line and a process exit code (command.h):
//
//   absl::StatusOr<PublishResult> ack = client->Publish(...);
//   if (!ack.ok()) {
//     return ReportFailure(io.err, "pub", "publish to 'orders' failed", ack.status());
//   }
//   // stderr: liminal pub: publish to 'orders' failed: E_UNKNOWN_CHANNEL (0x0100): ...
//   // returns 1
//
// The client library's status message already names the server's reason code and text, so
// it is printed as is. A lost connection (or a server that broke the protocol) exits with 3,
// everything else with 1.
#ifndef LIMINAL_TOOLS_EXIT_STATUS_H_
#define LIMINAL_TOOLS_EXIT_STATUS_H_

#include <ostream>
#include <string_view>

#include "absl/status/status.h"

namespace liminal::tools {

// kExitOk for OK; kExitConnection for a Disconnected or protocol client error;
// kExitFailure otherwise.
int ExitCodeFor(const absl::Status& status);

// Prints "liminal <command>: <what>: <message>" and returns ExitCodeFor(status).
int ReportFailure(std::ostream& err, std::string_view command, std::string_view what,
                  const absl::Status& status);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_EXIT_STATUS_H_
