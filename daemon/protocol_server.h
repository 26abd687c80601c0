// ProtocolServer: everything liminald serves on its protocol port: the production runtime
// (AsioRuntime: N threads, a strand per process), the server assembly shared with the
// simulation (core/server/assembly: services, worker dispatcher, connection supervisor), the
// TCP listener (TLS when the config has a [tls] section: the listener handshakes within
// limits.handshake_timeout_ms before the core sees a connection), and the graceful-shutdown
// sequence (server-behaviour.md §6, also shared with the simulation). The Daemon owns one.
//
//   auto server = ProtocolServer::Create(config, metrics);     // all config errors at once
//   absl::Status bound = (*server)->Start(config.listen);     // port 0: ephemeral
//   (*server)->listen_address();                               // the bound host:port
//   ...
//   server::ShutdownReport report = (*server)->Shutdown(&observer);  // steps 1-5, blocks
//   (*server)->ForceClose();           // from another thread: cut the drain short
//   (*server)->Stop();                 // threads joined
//
// Shutdown blocks its caller; call it from a thread that is not one of the runtime's (the
// Daemon uses its shutdown thread). Thread-safe.
#ifndef LIMINAL_DAEMON_PROTOCOL_SERVER_H_
#define LIMINAL_DAEMON_PROTOCOL_SERVER_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/host_port.h"
#include "core/config/server_config.h"
#include "core/metrics/server_metrics.h"
#include "core/server/assembly/graceful_shutdown.h"
#include "core/server/assembly/server_assembly.h"
#include "core/server/connection_supervisor.h"
#include "core/server/services/liminal_services.h"
#include "io/runtime/asio_listener.h"
#include "io/runtime/asio_runtime.h"

namespace liminal::daemon {

class ProtocolServer {
 public:
  static absl::StatusOr<std::unique_ptr<ProtocolServer>> Create(const config::ServerConfig& config,
                                                                metrics::ServerMetrics& metrics);
  // The checks Create() makes on the configuration (schemas compile, routing predicates
  // parse), without building anything: for `liminald --check` and start-up.
  static absl::Status ValidateConfig(const config::ServerConfig& config);
  ~ProtocolServer();  // Stop()
  ProtocolServer(const ProtocolServer&) = delete;
  ProtocolServer& operator=(const ProtocolServer&) = delete;

  // Starts the runtime, binds `listen` and starts accepting.
  absl::Status Start(const config::HostPort& listen);
  config::HostPort listen_address() const { return listen_address_; }

  // The graceful shutdown (server-behaviour.md §6): stop accepting, Disconnect to every
  // connection, drain for up to drain_timeout_ms, force close the rest, flush. Once.
  server::ShutdownReport Shutdown(server::ShutdownObserver* observer);
  // Cuts a running Shutdown()'s drain short (the second signal). Any thread.
  void ForceClose();
  void Stop();

  size_t active_connections() { return supervisor().ActiveCount(); }
  server::ConnectionSupervisor& supervisor() { return assembly_->supervisor(); }
  server::services::LiminalServices& services() { return assembly_->services(); }

 private:
  ProtocolServer() = default;

  std::unique_ptr<io::AsioRuntime> runtime_;  // declared first: destroyed last
  std::unique_ptr<server::ServerAssembly> assembly_;
  std::unique_ptr<io::AsioListener> listener_;
  io::ListenerOptions listener_options_;
  std::unique_ptr<server::GracefulShutdown> shutdown_;
  server::ShutdownPlan shutdown_plan_;
  config::HostPort listen_address_;
};

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_PROTOCOL_SERVER_H_
