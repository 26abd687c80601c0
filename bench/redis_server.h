// Launches redis-server on a free loopback port (redis cannot bind port 0, so the port is
// found by binding 127.0.0.1:0 and releasing it; a lost race is retried with a new port),
// with persistence off, and waits for its "Ready to accept connections" log line.
//
//   absl::StatusOr<std::unique_ptr<ServerProcess>> server =
//       StartRedisServer({.binary = "/usr/bin/redis-server", .max_clients = 10100});
//
// Thread-safety: free functions; safe from any thread.
#ifndef LIMINAL_BENCH_REDIS_SERVER_H_
#define LIMINAL_BENCH_REDIS_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/server_process.h"

namespace liminal::bench {

struct RedisLaunchOptions {
  std::string binary;
  int64_t max_clients = 20000;  // redis lowers it to RLIMIT_NOFILE - 32 when it must
  absl::Duration startup_timeout = absl::Seconds(10);
};

absl::StatusOr<std::unique_ptr<ServerProcess>> StartRedisServer(const RedisLaunchOptions& options);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_REDIS_SERVER_H_
