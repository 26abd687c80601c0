// Launches nats-server (the Debian package, /usr/sbin/nats-server) on a random loopback
// port (`-p -1`): the port is read from its "Listening for client connections on
// 127.0.0.1:PORT" log line, and readiness from "Server is ready". No config file; every
// other setting is nats-server's default. With `jetstream`, JetStream is enabled (`-js`) with
// its store (`-sd`) in a temporary directory owned by the ServerProcess; JetStream's own
// settings stay at their defaults (file store synced every 2 minutes, not per write).
//
//   absl::StatusOr<std::unique_ptr<ServerProcess>> server =
//       StartNatsServer({.binary = "/usr/sbin/nats-server"});
//
// Thread-safety: free functions; safe from any thread.
#ifndef LIMINAL_BENCH_NATS_SERVER_H_
#define LIMINAL_BENCH_NATS_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/server_process.h"

namespace liminal::bench {

struct NatsLaunchOptions {
  std::string binary;
  absl::Duration startup_timeout = absl::Seconds(10);
  bool jetstream = false;
};

absl::StatusOr<std::unique_ptr<ServerProcess>> StartNatsServer(const NatsLaunchOptions& options);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_NATS_SERVER_H_
