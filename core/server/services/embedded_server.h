// EmbeddedServer: the small C++ API for applications that embed liminal — the services and
// the connection supervisor wired together, plus the three things an application does with
// a running server: answer conversations, vet worker registrations, and push to clients.
//
//   EmbeddedServer::Options options;
//   options.services = *ServicesOptionsFromConfig(config, backend, &metrics);
//   options.supervisor.connection.max_frame_bytes = 1 << 20;
//   options.supervisor.notifier = &my_notifier;   // worker (un)registration hook; optional
//   absl::StatusOr<std::unique_ptr<EmbeddedServer>> server =
//       EmbeddedServer::Create(runtime, std::move(options));
//
//   (*server)->RegisterResponder("pricing", [] { return std::make_unique<Pricing>(); });
//   listener.StartAccepting([&](auto socket) { (*server)->Accept(std::move(socket)); });
//
//   absl::StatusOr<PushReplyAwaiter> awaiter = (*server)->Push(pid, "job-42");
//   PushResult result = awaiter->Receive(absl::Seconds(5));   // blocks this caller only
//
// The notifier is fixed at creation (SupervisorOptions::notifier). Responders can be
// registered at any time; they apply to conversations opened afterwards. Shutdown follows
// server-behaviour.md §6 through supervisor(): NotifyShutdown, AwaitIdle, Shutdown,
// FlushDurableState. The runtime must outlive the server; stop it before destroying it.
// Thread-safe.
#ifndef LIMINAL_CORE_SERVER_SERVICES_EMBEDDED_SERVER_H_
#define LIMINAL_CORE_SERVER_SERVICES_EMBEDDED_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/runtime/runtime.h"
#include "core/runtime/socket.h"
#include "core/server/connection_handle.h"
#include "core/server/connection_supervisor.h"
#include "core/server/push_reply_awaiter.h"
#include "core/server/services/conversations/responder.h"
#include "core/server/services/liminal_services.h"
#include "core/server/services/services_options.h"

namespace liminal::server::services {

class EmbeddedServer {
 public:
  struct Options {
    ServicesOptions services;
    SupervisorOptions supervisor;
  };

  static absl::StatusOr<std::unique_ptr<EmbeddedServer>> Create(runtime::Runtime& runtime,
                                                                Options options);

  // Serves one accepted connection (refused while shutting down or at max_connections).
  absl::StatusOr<ConnectionHandle> Accept(std::unique_ptr<runtime::Socket> socket) {
    return supervisor_->SpawnConnection(std::move(socket));
  }

  // Conversations on `subject` are answered by responders from `factory` (instead of echo).
  absl::Status RegisterResponder(std::string subject, ResponderFactory factory) {
    return services_->responders().Register(std::move(subject), std::move(factory));
  }
  bool UnregisterResponder(std::string_view subject) {
    return services_->responders().Unregister(subject);
  }

  // Push(payload) on stream 1 of connection `pid`; see ConnectionSupervisor::PushToConnection.
  absl::StatusOr<PushReplyAwaiter> Push(runtime::Pid pid, std::string payload) {
    return supervisor_->PushToConnection(pid, std::move(payload));
  }

  LiminalServices& services() { return *services_; }
  ConnectionSupervisor& supervisor() { return *supervisor_; }

 private:
  EmbeddedServer(std::unique_ptr<LiminalServices> services, runtime::Runtime& runtime,
                 SupervisorOptions supervisor)
      : services_(std::move(services)),
        supervisor_(
            std::make_unique<ConnectionSupervisor>(runtime, *services_, std::move(supervisor))) {}

  std::unique_ptr<LiminalServices> services_;  // outlives the supervisor
  std::unique_ptr<ConnectionSupervisor> supervisor_;
};

inline absl::StatusOr<std::unique_ptr<EmbeddedServer>> EmbeddedServer::Create(
    runtime::Runtime& runtime, Options options) {
  absl::StatusOr<std::unique_ptr<LiminalServices>> services =
      LiminalServices::Create(runtime, std::move(options.services));
  if (!services.ok()) return services.status();
  return std::unique_ptr<EmbeddedServer>(
      new EmbeddedServer(*std::move(services), runtime, std::move(options.supervisor)));
}

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_EMBEDDED_SERVER_H_
