#include "core/server/assembly/server_assembly.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/auth/permissions.h"

namespace liminal::server {

namespace {

// [[auth.users]] with their patterns compiled.
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

absl::StatusOr<SupervisorOptions> SupervisorOptionsFromConfig(const config::ServerConfig& config) {
  SupervisorOptions options;
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
  options.max_connections = static_cast<size_t>(limits.max_connections);
  options.max_pending_pushes_per_connection =
      static_cast<size_t>(limits.max_pending_pushes_per_connection);
  return options;
}

absl::StatusOr<std::unique_ptr<ServerAssembly>> ServerAssembly::Create(runtime::Runtime& runtime,
                                                                       AssemblyOptions options) {
  std::unique_ptr<ServerAssembly> server(new ServerAssembly());
  options.services.faults = options.faults;
  absl::StatusOr<std::unique_ptr<services::LiminalServices>> services =
      services::LiminalServices::Create(runtime, std::move(options.services));
  if (!services.ok()) return services.status();
  server->services_ = *std::move(services);

  absl::StatusOr<std::unique_ptr<dispatch::WorkerDispatcher>> dispatcher =
      dispatch::WorkerDispatcher::Create(runtime, server->services_->responders(),
                                         options.application_notifier, options.faults);
  if (!dispatcher.ok()) return dispatcher.status();
  server->dispatcher_ = *std::move(dispatcher);

  options.supervisor.notifier = server->dispatcher_.get();
  options.supervisor.faults = options.faults;
  server->supervisor_ = std::make_unique<ConnectionSupervisor>(runtime, *server->services_,
                                                               std::move(options.supervisor));
  server->dispatcher_->Attach(*server->supervisor_, options.worker_push_timeout);
  return server;
}

}  // namespace liminal::server
