#include "bench/redis_server.h"

#include "absl/strings/str_cat.h"
#include "bench/loopback_port.h"
#include "bench/temp_dir.h"

namespace liminal::bench {

absl::StatusOr<std::unique_ptr<ServerProcess>> StartRedisServer(const RedisLaunchOptions& options) {
  absl::Status last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<uint16_t> port = ReserveFreePort();
    if (!port.ok()) return port.status();
    absl::StatusOr<TempDir> dir = TempDir::Create("liminal-bench-redis-");
    if (!dir.ok()) return dir.status();
    absl::StatusOr<std::unique_ptr<Subprocess>> process =
        Subprocess::Spawn({.binary = options.binary,
                           .args = {"--bind", "127.0.0.1", "--port", absl::StrCat(*port), "--save",
                                    "", "--appendonly", "no", "--dir", dir->path(), "--maxclients",
                                    absl::StrCat(options.max_clients), "--loglevel", "notice"},
                           .working_dir = dir->path()});
    if (!process.ok()) return process.status();
    absl::StatusOr<std::string> ready =
        (*process)->WaitForLine("Ready to accept connections", options.startup_timeout);
    if (ready.ok()) {
      return std::make_unique<ServerProcess>(*std::move(process), *std::move(dir), "127.0.0.1",
                                             *port);
    }
    last_error = absl::UnavailableError(absl::StrCat(
        "redis-server did not start: ", ready.status().message(), "\n", (*process)->OutputTail()));
    (void)(*process)->Stop(absl::Seconds(2));
    // Only a lost port race is worth another attempt.
    if ((*process)->OutputTail().find("Address already in use") == std::string::npos) break;
  }
  return last_error;
}

}  // namespace liminal::bench
