#include "tools/exit_status.h"

#include <optional>

#include "client/client_error.h"
#include "tools/command.h"

namespace liminal::tools {

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  const std::optional<client::ClientError> error = client::GetClientError(status);
  if (error.has_value() && (error->kind == client::ErrorKind::kDisconnected ||
                            error->kind == client::ErrorKind::kProtocol)) {
    return kExitConnection;
  }
  return kExitFailure;
}

int ReportFailure(std::ostream& err, std::string_view command, std::string_view what,
                  const absl::Status& status) {
  err << "liminal " << command << ": " << what << ": " << status.message() << std::endl;
  return ExitCodeFor(status);
}

}  // namespace liminal::tools
