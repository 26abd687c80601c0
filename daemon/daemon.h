// Daemon: the long-running liminald process around the server. It owns the io_context, the
// protocol and health listeners, the metrics and the readiness conditions, and runs the
// graceful-shutdown sequence of server-behaviour.md §6 when SIGTERM or SIGINT arrives.
//
//   DaemonOptions options{.config = *LoadConfig(path, env)};
//   Daemon daemon(std::move(options));
//   if (absl::Status s = daemon.Start(); !s.ok()) return kStartupFailed;
//   return daemon.RunUntilSignalled();       // blocks; returns the process exit code
//
// Start() binds both listeners (port 0 = ephemeral), marks `config_loaded` and
// `listener_bound`, logs what is being served and announces the bound addresses on stdout as
// one JSON line (tests and supervisors read it; see ListeningLine()):
//   {"event":"listening","listen":"127.0.0.1:40123","health":"127.0.0.1:40124"}
// after writing the same line to options.port_file, when set (atomically, so a reader that
// has seen the stdout line finds the file complete).
//
// Shutdown (first signal, or Shutdown()): /ready turns 503 (listener_bound unmet), the
// listener closes, connections are drained for up to drain_timeout_ms, whatever remains is
// force-closed, durable state is flushed, and RunUntilSignalled() returns 0 (4 if the flush
// failed). A second signal during the drain skips straight to the force close. The health
// endpoint keeps answering until the very end.
//
// The protocol side is a ProtocolServer (protocol_server.h) on its own AsioRuntime threads;
// the daemon's io_context runs the health endpoint, the signals and the shutdown state
// machine. The shutdown sequence itself is the one the simulation runs
// (core/server/assembly/graceful_shutdown.h); it waits event-driven (the supervisor's idle
// condition) on a helper thread that posts its outcome back to the daemon's strand.
#ifndef LIMINAL_DAEMON_DAEMON_H_
#define LIMINAL_DAEMON_DAEMON_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "core/config/host_port.h"
#include "core/config/server_config.h"
#include "core/metrics/server_metrics.h"
#include "core/server/assembly/graceful_shutdown.h"
#include "daemon/exit_code.h"
#include "daemon/protocol_server.h"
#include "io/health/health_server.h"
#include "io/health/readiness.h"

namespace liminal::daemon {

struct DaemonOptions {
  config::ServerConfig config;  // already validated; ports may be 0 (ephemeral)
  std::optional<std::filesystem::path> port_file;
  std::FILE* announce = stdout;  // where the listening line goes; nullptr = nowhere
};

// {"event":"listening","listen":"<listen>","health":"<health>"} (no trailing newline).
std::string ListeningLine(const config::HostPort& listen, const config::HostPort& health);

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Binds, announces and starts serving (see above). Call once, before RunUntilSignalled().
  absl::Status Start();

  // Runs until the shutdown sequence completes; returns the process exit code (exit_code.h).
  int RunUntilSignalled();

  // Starts the graceful shutdown as SIGTERM would (a second call forces the close).
  // Thread-safe.
  void Shutdown();

  // The bound addresses; valid after Start().
  config::HostPort listen_address() const { return listen_address_; }
  config::HostPort health_address() const { return health_address_; }

  metrics::ServerMetrics& metrics() { return metrics_; }
  const io::Readiness& readiness() const { return readiness_; }

 private:
  enum class Phase { kCreated, kServing, kDraining, kForceClosing, kStopped };

  absl::Status StartProtocolServer();
  absl::Status Announce() const;
  void WaitForSignal();
  void OnShutdownRequest(const std::string& cause);  // on strand_
  void BeginDrain();
  void EnterForceClose();
  void ForceClose();
  void Finish(const server::ShutdownReport& report);
  void JoinWaiters();

  DaemonOptions options_;
  boost::asio::io_context io_;
  // Every handler of the daemon itself (signals, shutdown steps) runs on this
  // strand, so phase_ needs no lock however many threads run io_.
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::signal_set signals_;
  metrics::ServerMetrics metrics_;
  io::Readiness readiness_;
  io::HealthServer health_;
  std::unique_ptr<ProtocolServer> server_;
  std::thread drain_waiter_;  // runs the shutdown sequence (it blocks on the drain)
  config::HostPort listen_address_;
  config::HostPort health_address_;
  Phase phase_ = Phase::kCreated;  // on strand_ only (and in Start(), before io_ runs)
  int exit_code_ = kOk;
};

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_DAEMON_H_
