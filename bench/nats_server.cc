#include "bench/nats_server.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace liminal::bench {

absl::StatusOr<std::unique_ptr<ServerProcess>> StartNatsServer(const NatsLaunchOptions& options) {
  std::vector<std::string> args = {"-a", "127.0.0.1", "-p", "-1"};
  std::optional<TempDir> store;
  if (options.jetstream) {
    absl::StatusOr<TempDir> dir = TempDir::Create("liminal-bench-nats-js-");
    if (!dir.ok()) return dir.status();
    args.insert(args.end(), {"-js", "-sd", dir->path()});
    store = *std::move(dir);
  }
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Spawn({.binary = options.binary, .args = args, .working_dir = {}});
  if (!process.ok()) return process.status();
  const absl::Time deadline = absl::Now() + options.startup_timeout;
  constexpr std::string_view kListening = "Listening for client connections on ";
  absl::StatusOr<std::string> line = (*process)->WaitForLine(kListening, options.startup_timeout);
  if (line.ok()) {
    const size_t colon = line->rfind(':');
    uint32_t port = 0;
    if (colon == std::string::npos || !absl::SimpleAtoi(line->substr(colon + 1), &port) ||
        port == 0 || port > 65535) {
      return absl::InternalError(absl::StrCat("nats-server: cannot parse port from: ", *line));
    }
    absl::StatusOr<std::string> ready =
        (*process)->WaitForLine("Server is ready", deadline - absl::Now());
    if (ready.ok()) {
      return std::make_unique<ServerProcess>(*std::move(process), std::move(store), "127.0.0.1",
                                             static_cast<uint16_t>(port));
    }
    line = ready.status();
  }
  return absl::UnavailableError(absl::StrCat("nats-server did not start: ", line.status().message(),
                                             "\n", (*process)->OutputTail()));
}

}  // namespace liminal::bench
