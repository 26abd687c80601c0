// ServerAssembly: the one wiring of the server that liminald runs and liminal-sim simulates —
// the real services (channels, delivery, routing, conversations), the worker dispatcher
// (`worker.<task_queue>` conversations become pushes to registered workers; it is also the
// supervisor's notifier, in front of the embedding application's), and the connection
// supervisor. It reaches the world only through the runtime it is given, so the daemon
// builds it on AsioRuntime and the simulation on SimRuntime, with the same code.
//
//   AssemblyOptions options{.services = ..., .supervisor = *SupervisorOptionsFromConfig(cfg),
//                           .worker_push_timeout = absl::Seconds(5)};
//   absl::StatusOr<std::unique_ptr<ServerAssembly>> server =
//       ServerAssembly::Create(runtime, std::move(options));
//   listener.StartAccepting([&](auto socket) { (*server)->supervisor().SpawnConnection(...); });
//   ...
//   GracefulShutdown shutdown((*server)->supervisor(), plan, &listener);   // graceful_shutdown.h
//
// The planted faults in options.faults reach both the services and the supervisor.
#ifndef LIMINAL_CORE_SERVER_ASSEMBLY_SERVER_ASSEMBLY_H_
#define LIMINAL_CORE_SERVER_ASSEMBLY_SERVER_ASSEMBLY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/server_config.h"
#include "core/runtime/runtime.h"
#include "core/server/connection_notifier.h"
#include "core/server/connection_supervisor.h"
#include "core/server/dispatch/worker_dispatcher.h"
#include "core/server/fault_hooks.h"
#include "core/server/services/liminal_services.h"
#include "core/server/services/services_options.h"

namespace liminal::server {

struct AssemblyOptions {
  services::ServicesOptions services;
  // options.notifier is ignored: the worker dispatcher is the supervisor's notifier, and it
  // consults `application_notifier` first.
  SupervisorOptions supervisor;
  ConnectionNotifier* application_notifier = nullptr;     // null: every registration accepted
  absl::Duration worker_push_timeout = absl::Seconds(5);  // conversation_reply_timeout_ms
  FaultHooks faults;  // planted bugs (fault_hooks.h): all off outside the simulation
};

// The supervisor's options from the configuration's [limits] and [auth] (everything but the
// notifier, the event sink, the metrics, the access report and the faults). An error only
// for a configuration that was not validated (an unparsable [[auth.users]] pattern).
absl::StatusOr<SupervisorOptions> SupervisorOptionsFromConfig(const config::ServerConfig& config);

class ServerAssembly {
 public:
  static absl::StatusOr<std::unique_ptr<ServerAssembly>> Create(runtime::Runtime& runtime,
                                                                AssemblyOptions options);
  ServerAssembly(const ServerAssembly&) = delete;
  ServerAssembly& operator=(const ServerAssembly&) = delete;

  ConnectionSupervisor& supervisor() { return *supervisor_; }
  services::LiminalServices& services() { return *services_; }
  dispatch::WorkerDispatcher& dispatcher() { return *dispatcher_; }

 private:
  ServerAssembly() = default;

  std::unique_ptr<services::LiminalServices> services_;
  std::unique_ptr<dispatch::WorkerDispatcher> dispatcher_;
  std::unique_ptr<ConnectionSupervisor> supervisor_;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_ASSEMBLY_SERVER_ASSEMBLY_H_
