#include "tools/payload_run.h"

#include <utility>

#include "absl/status/statusor.h"
#include "tools/command.h"
#include "tools/duration_flag.h"
#include "tools/server_connection.h"

namespace liminal::tools {

std::variant<PayloadRun, int> StartPayloadRun(std::string_view command, const GlobalOptions& global,
                                              const std::optional<std::string>& data,
                                              std::optional<uint64_t> count,
                                              const std::string& timeout, const CommandIo& io) {
  absl::StatusOr<absl::Duration> parsed_timeout = ParseDurationFlag(timeout);
  absl::StatusOr<std::unique_ptr<PayloadSource>> source =
      PayloadSource::FromArguments(data, count, io.in_fd);
  for (const absl::Status& status : {parsed_timeout.status(), source.status()}) {
    if (!status.ok()) {
      io.err << "liminal " << command << ": " << status.message() << std::endl;
      return kExitUsage;
    }
  }
  InterruptWatcher& watcher = InterruptWatcher::Install();
  absl::StatusOr<std::unique_ptr<client::BlockingClient>> client = ConnectToServer(global);
  if (!client.ok()) return ReportConnectFailure(io.err, command, client.status());
  return PayloadRun{.timeout = *parsed_timeout,
                    .source = *std::move(source),
                    .watcher = &watcher,
                    .client = *std::move(client)};
}

}  // namespace liminal::tools
