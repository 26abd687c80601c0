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
namespace {

// [[auth.users]] with their patterns compiled (validated already; an error here is a bug).
absl::StatusOr<std::vector<auth::UserCredential>> AuthUsers(const config::AuthConfig& auth) {
  std::vector<auth::UserCredential> users;
  for (const config::AuthUserConfig& user : auth.users) {
    absl::StatusOr<auth::Permissions> permissions =
        auth::Permissions::Parse({.publish = user.publish,
                                  .subscribe = user.subscribe,
                                  .request = user.request,
                                  .respond = user.respond});
    if (!permissions.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("auth user '", user.name, "': ", permissions.status().message()));
    }
    users.push_back({.name = user.name,
                     .token = user.token.value_or(""),
                     .permissions = *std::move(permissions)});
  }
  return users;
}

}  // namespace

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

  absl::StatusOr<std::unique_ptr<server::services::LiminalServices>> services =
      server::services::LiminalServices::Create(*server->runtime_, *std::move(services_options));
  if (!services.ok()) return services.status();
  server->services_ = *std::move(services);

  absl::StatusOr<std::unique_ptr<server::dispatch::WorkerDispatcher>> dispatcher =
      server::dispatch::WorkerDispatcher::Create(*server->runtime_,
                                                 server->services_->responders());
  if (!dispatcher.ok()) return dispatcher.status();
  server->dispatcher_ = *std::move(dispatcher);

  server::SupervisorOptions options;
  const config::LimitsConfig& limits = config.limits;
  options.connection.max_frame_bytes = static_cast<size_t>(limits.max_frame_bytes);
  options.connection.max_outbound_bytes = static_cast<size_t>(limits.max_outbound_bytes);
  options.connection.max_inbox_bytes = static_cast<size_t>(limits.max_connection_inbox_bytes);
  options.connection.handshake_timeout = absl::Milliseconds(limits.handshake_timeout_ms);
  options.connection.idle_timeout = absl::Milliseconds(limits.idle_timeout_ms);
  options.connection.auth_tokens = config.auth.AcceptedTokens();
  absl::StatusOr<std::vector<auth::UserCredential>> users = AuthUsers(config.auth);
  if (!users.ok()) return users.status();
  options.connection.auth_users = *std::move(users);
  options.connection.access_report = [](const std::string& message) {
    spdlog::warn("{}", message);
  };
  options.max_connections = static_cast<size_t>(limits.max_connections);
  options.max_pending_pushes_per_connection =
      static_cast<size_t>(limits.max_pending_pushes_per_connection);
  options.notifier = server->dispatcher_.get();
  options.metrics = &metrics;
  server->supervisor_ = std::make_unique<server::ConnectionSupervisor>(
      *server->runtime_, *server->services_, std::move(options));
  server->dispatcher_->Attach(*server->supervisor_,
                              absl::Milliseconds(limits.conversation_reply_timeout_ms));
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
        supervisor_->SpawnConnection(std::move(socket));
    if (!handle.ok()) spdlog::warn("connection refused: {}", handle.status().ToString());
  });
  return absl::OkStatus();
}

void ProtocolServer::StopAccepting() {
  if (listener_ != nullptr) listener_->Stop();
}

void ProtocolServer::NotifyShutdown() { supervisor_->NotifyShutdown(/*every_connection=*/true); }

bool ProtocolServer::AwaitIdle(absl::Duration timeout) { return supervisor_->AwaitIdle(timeout); }

void ProtocolServer::ForceCloseAll() { supervisor_->Shutdown(); }

absl::Status ProtocolServer::Flush() { return supervisor_->FlushDurableState(); }

void ProtocolServer::Stop() {
  if (runtime_ == nullptr) return;
  StopAccepting();
  listener_.reset();
  runtime_->Stop();
  runtime_->Join();
}

}  // namespace liminal::daemon
