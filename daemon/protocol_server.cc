#include "daemon/protocol_server.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/auth/permissions.h"
#include "core/auth/user_credential.h"
#include "core/server/services/services_config.h"
#include "daemon/json/json_services_backend.h"
#include "io/tls/server_tls_context.h"
#include "spdlog/spdlog.h"

namespace liminal::daemon {
absl::StatusOr<std::unique_ptr<ProtocolServer>> ProtocolServer::Create(
    const config::ServerConfig& config, metrics::ServerMetrics& metrics) {
  JsonServicesBackend backend;
  absl::StatusOr<server::services::ServicesOptions> services_options =
      server::services::ServicesOptionsFromConfig(config, backend, &metrics);
  if (!services_options.ok()) return services_options.status();
  services_options->storage_report = [](const std::string& message) {
    spdlog::error("{}", message);
  };

  std::unique_ptr<ProtocolServer> server(new ProtocolServer());
  if (config.tls.has_value()) {
    absl::StatusOr<std::shared_ptr<boost::asio::ssl::context>> tls =
        io::MakeServerTlsContext(*config.tls, io::TlsListenerRole::kProtocol);
    if (!tls.ok()) return tls.status();
    server->listener_options_.tls = *std::move(tls);
    server->listener_options_.tls_handshake_timeout =
        absl::Milliseconds(config.limits.handshake_timeout_ms);
    server->listener_options_.max_pending_tls_handshakes =
        static_cast<size_t>(config.limits.max_connections);
  }
  server->runtime_ = std::make_unique<io::AsioRuntime>(
      io::AsioRuntimeOptions{.scheduler_threads = static_cast<size_t>(config.scheduler_threads)});

  server::AssemblyOptions options;
  options.services = *std::move(services_options);
  absl::StatusOr<server::SupervisorOptions> supervisor_options =
      server::SupervisorOptionsFromConfig(config);
  if (!supervisor_options.ok()) return supervisor_options.status();
  options.supervisor = *std::move(supervisor_options);
  options.supervisor.connection.access_report = [](const std::string& message) {
    spdlog::warn("{}", message);
  };
  options.supervisor.metrics = &metrics;
  options.worker_push_timeout = absl::Milliseconds(config.limits.conversation_reply_timeout_ms);
  absl::StatusOr<std::unique_ptr<server::ServerAssembly>> assembly =
      server::ServerAssembly::Create(*server->runtime_, std::move(options));
  if (!assembly.ok()) return assembly.status();
  server->assembly_ = *std::move(assembly);
  server->shutdown_plan_ = server::ShutdownPlan{
      .drain_timeout = absl::Milliseconds(config.drain_timeout_ms),
      .force_close_grace = absl::Seconds(2),
      .notify_every_connection = true,
  };
  return server;
}

absl::Status ProtocolServer::ValidateConfig(const config::ServerConfig& config) {
  JsonServicesBackend backend;
  return server::services::ServicesOptionsFromConfig(config, backend).status();
}

ProtocolServer::~ProtocolServer() { Stop(); }

absl::Status ProtocolServer::Start(const config::HostPort& listen) {
  runtime_->Start();
  absl::StatusOr<std::unique_ptr<io::AsioListener>> listener =
      io::AsioListener::Bind(*runtime_, listen, listener_options_);
  if (!listener.ok()) return listener.status();
  listener_ = *std::move(listener);
  absl::StatusOr<config::HostPort> bound = config::ParseHostPort(listener_->LocalAddress());
  if (!bound.ok()) return bound.status();
  listen_address_ = *bound;
  listener_->StartAccepting([this](std::unique_ptr<runtime::Socket> socket) {
    absl::StatusOr<server::ConnectionHandle> handle =
        supervisor().SpawnConnection(std::move(socket));
    if (!handle.ok()) spdlog::warn("connection refused: {}", handle.status().ToString());
  });
  shutdown_ =
      std::make_unique<server::GracefulShutdown>(supervisor(), shutdown_plan_, listener_.get());
  return absl::OkStatus();
}

server::ShutdownReport ProtocolServer::Shutdown(server::ShutdownObserver* observer) {
  if (shutdown_ == nullptr) {  // never started: nothing to drain
    shutdown_ = std::make_unique<server::GracefulShutdown>(supervisor(), shutdown_plan_, nullptr);
  }
  return shutdown_->Run(observer);
}

void ProtocolServer::ForceClose() {
  if (shutdown_ != nullptr) shutdown_->ForceNow();
}

void ProtocolServer::Stop() {
  if (runtime_ == nullptr) return;
  if (listener_ != nullptr) listener_->Stop();
  listener_.reset();
  runtime_->Stop();
  runtime_->Join();
}

}  // namespace liminal::daemon
