// Launches liminald for a benchmark: writes a config with one channel named `bench` into a
// temporary directory, starts `liminald --config FILE --ephemeral-ports`, and reads the
// {"event":"listening","listen":"127.0.0.1:PORT",...} line it prints on stdout once ready.
//
//   LiminaldLaunchOptions options;
//   options.binary = DefaultLiminaldPath().value();   // build/<preset>/daemon/liminald
//   absl::StatusOr<std::unique_ptr<ServerProcess>> server = StartLiminald(options);
//
// The config (LiminaldBenchConfig) keeps liminald's defaults except where a benchmark needs
// otherwise: warn-level JSON logging, room for the many-connections workload, a short drain, and a
// subscription pending limit well above the harness's end-to-end window so a subscriber that
// briefly lags is never shed mid-measurement. With `durable`, the `bench` channel is durable
// with fsync = "always" (PublishAck after an fsync covering the message) and
// persistence_path is `data/` in the temporary directory (kLiminaldDataDir). With `tls`, the
// protocol listener serves TLS with a certificate from a throwaway CA (kLiminaldTlsCa).
// persistence_path is `data/` in the temporary directory (kLiminaldDataDir). `extra_channels`
// adds in-memory channels (the soak run's). liminald's error and critical log lines are
// counted (ServerProcess::counted_lines).
//
// Thread-safety: free functions; safe from any thread.
#ifndef LIMINAL_BENCH_LIMINALD_SERVER_H_
#define LIMINAL_BENCH_LIMINALD_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/server_process.h"

namespace liminal::bench {

struct LiminaldLaunchOptions {
  std::string binary;
  int64_t max_connections = 20000;
  int64_t max_subscription_inbox_depth = 65536;
  std::string log_level = "warn";
  absl::Duration startup_timeout = absl::Seconds(10);
  bool durable = false;
  // Serve TLS: a throwaway CA and server certificate are written into the server's temporary
  // directory (kLiminaldTlsCa is the CA clients verify with).
  bool tls = false;
  std::vector<std::string> extra_channels = {};
};

// The CA certificate of a TLS launch, relative to ServerProcess::dir().
inline constexpr char kLiminaldTlsCa[] = "ca.pem";

// persistence_path of a durable launch, relative to ServerProcess::dir().
inline constexpr char kLiminaldDataDir[] = "data";

// The TOML the harness gives liminald.
std::string LiminaldBenchConfig(const LiminaldLaunchOptions& options);

absl::StatusOr<std::unique_ptr<ServerProcess>> StartLiminald(const LiminaldLaunchOptions& options);

// The liminald built next to this binary: <dir of liminal-bench>/../daemon/liminald.
std::string DefaultLiminaldPath();

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_LIMINALD_SERVER_H_
