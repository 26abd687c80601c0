// The start shared by `pub` and `req`, the commands that send payloads taken from DATA or
// from stdin lines: parse --timeout, open the payload source, install Ctrl-C watching (before
// any client thread starts) and connect to liminald.
//
//   std::variant<PayloadRun, int> started =
//       StartPayloadRun("pub", global, options.data, options.count, options.timeout, io);
//   if (const int* exit_code = std::get_if<int>(&started)) return *exit_code;
//   PayloadRun& run = std::get<PayloadRun>(started);
//   ... run.client->Publish(channel, *run.source->Next(), run.timeout) ...
//
// Problems are reported on io.err as "liminal <command>: ..." with the exit code of
// command.h: a bad --timeout or DATA is a usage error (2), a failed connect is 3.
#ifndef LIMINAL_TOOLS_PAYLOAD_RUN_H_
#define LIMINAL_TOOLS_PAYLOAD_RUN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "absl/time/time.h"
#include "client/blocking_client.h"
#include "tools/command_io.h"
#include "tools/global_options.h"
#include "tools/interrupt_watcher.h"
#include "tools/payload_source.h"

namespace liminal::tools {

struct PayloadRun {
  absl::Duration timeout;
  std::unique_ptr<PayloadSource> source;
  InterruptWatcher* watcher = nullptr;
  std::unique_ptr<client::BlockingClient> client;
};

// The started run, or the exit code once the problem has been reported.
std::variant<PayloadRun, int> StartPayloadRun(std::string_view command, const GlobalOptions& global,
                                              const std::optional<std::string>& data,
                                              std::optional<uint64_t> count,
                                              const std::string& timeout, const CommandIo& io);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_PAYLOAD_RUN_H_
