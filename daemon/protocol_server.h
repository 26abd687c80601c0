// ProtocolServer: everything liminald serves on its protocol port, assembled from the
// validated configuration — the production runtime (AsioRuntime: N threads, a strand per
// process), the services (channels, delivery, routing, conversations), the worker
// dispatcher (`worker.<task_queue>` conversations become pushes to registered workers), the
// connection supervisor, and the TCP listener (TLS when the config has a [tls] section: the
// listener handshakes within limits.handshake_timeout_ms before the core sees a connection). The
// Daemon owns one and drives the graceful shutdown (server-behaviour.md §6) through the steps
// below.
//
//   auto server = ProtocolServer::Create(config, metrics);     // all config errors at once
//   absl::Status bound = (*server)->Start(config.listen);     // port 0: ephemeral
//   (*server)->listen_address();                               // the bound host:port
//   ...
//   (*server)->StopAccepting();                                // 1. no new connections
//   (*server)->NotifyShutdown();                               // 2. Disconnect to everyone
//   bool drained = (*server)->AwaitIdle(drain_timeout);        // 3. event-driven wait
//   (*server)->ForceCloseAll();                                // 4. the rest
//   absl::Status flushed = (*server)->Flush();                 // 5. durable state
//   (*server)->Stop();                                         //    threads joined
//
// AwaitIdle blocks its caller; call it from a thread that is not one of the runtime's (the
// Daemon uses its shutdown coordinator thread). ForceCloseAll may be called from any thread
// at any time, which is how a second signal cuts the drain short. Thread-safe.
#ifndef LIMINAL_DAEMON_PROTOCOL_SERVER_H_
#define LIMINAL_DAEMON_PROTOCOL_SERVER_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/host_port.h"
#include "core/config/server_config.h"
#include "core/metrics/server_metrics.h"
#include "core/server/connection_supervisor.h"
#include "core/server/dispatch/worker_dispatcher.h"
#include "core/server/services/liminal_services.h"
#include "io/runtime/asio_listener.h"
#include "io/runtime/asio_runtime.h"

namespace liminal::daemon {

class ProtocolServer {
 public:
  static absl::StatusOr<std::unique_ptr<ProtocolServer>> Create(
      const config::ServerConfig& config, metrics::ServerMetrics& metrics);
  // The checks Create() makes on the configuration (schemas compile, routing predicates
  // parse), without building anything: for `liminald --check` and start-up.
  static absl::Status ValidateConfig(const config::ServerConfig& config);
  ~ProtocolServer();  // Stop()
  ProtocolServer(const ProtocolServer&) = delete;
  ProtocolServer& operator=(const ProtocolServer&) = delete;

  // Starts the runtime, binds `listen` and starts accepting.
  absl::Status Start(const config::HostPort& listen);
  config::HostPort listen_address() const { return listen_address_; }

  void StopAccepting();
  void NotifyShutdown();
  bool AwaitIdle(absl::Duration timeout);
  void ForceCloseAll();
  absl::Status Flush();
  void Stop();

  size_t active_connections() const { return supervisor_->ActiveCount(); }
  server::ConnectionSupervisor& supervisor() { return *supervisor_; }
  server::services::LiminalServices& services() { return *services_; }

 private:
  ProtocolServer() = default;

  std::unique_ptr<io::AsioRuntime> runtime_;  // declared first: destroyed last
  std::unique_ptr<server::services::LiminalServices> services_;
  std::unique_ptr<server::dispatch::WorkerDispatcher> dispatcher_;
  std::unique_ptr<server::ConnectionSupervisor> supervisor_;
  std::unique_ptr<io::AsioListener> listener_;
  io::ListenerOptions listener_options_;
  config::HostPort listen_address_;
};

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_PROTOCOL_SERVER_H_
