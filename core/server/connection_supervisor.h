// The connection supervisor: one ConnectionProcess per accepted socket, the registry of
// their records, the control queue path (NotifyShutdown, ForceClose, Push), pushes (through
// its PushCorrelator), worker-registration notifications, orphan reaping and shutdown.
//
//   ConnectionSupervisor supervisor(runtime, services, {.notifier = &notifier});
//   listener.StartAccepting([&](auto socket) { supervisor.SpawnConnection(std::move(socket)); });
//   auto awaiter = supervisor.PushToConnection(pid, "payload");
//   ...
//   supervisor.NotifyShutdown(/*every_connection=*/true);
//   supervisor.AwaitIdle(drain_timeout);
//   supervisor.Shutdown();
//   absl::Status flushed = supervisor.FlushDurableState();
//
// Exit monitors make cleanup event-driven: a crashed or finished process is untracked and
// released by its monitor; ReapCrashedConnections() is only a safety net. Every close route
// (finish, crash, reap, shutdown) releases a connection exactly once: its subscriptions and
// conversations (through the session), its pending pushes (awaiters get Disconnected), and
// its worker registration (the notifier's unregister fires once).
//
// Thread-safe. The runtime must outlive the supervisor, and the supervisor must outlive
// every awaiter and every process it spawned (stop the runtime before destroying it).
#ifndef LIMINAL_CORE_SERVER_CONNECTION_SUPERVISOR_H_
#define LIMINAL_CORE_SERVER_CONNECTION_SUPERVISOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/protocol/reason_code.h"
#include "core/runtime/runtime.h"
#include "core/runtime/socket.h"
#include "core/server/connection_handle.h"
#include "core/server/connection_host.h"
#include "core/server/connection_notifier.h"
#include "core/server/connection_options.h"
#include "core/server/connection_services.h"
#include "core/server/connection_state.h"
#include "core/server/control.h"
#include "core/server/fault_hooks.h"
#include "core/server/push_correlator.h"
#include "core/server/push_reply_awaiter.h"
#include "core/server/supervisor_event.h"

namespace liminal::server {

struct SupervisorOptions {
  ConnectionOptions connection;
  size_t max_connections = 0;                    // 0: unlimited
  size_t max_pending_pushes_per_connection = 0;  // 0: unlimited; more pushes are refused
  ConnectionNotifier* notifier = nullptr;        // null: registrations are accepted
  SupervisorEventSink* events = nullptr;         // null: no event recording
  metrics::ServerMetrics* metrics = nullptr;     // null: no metrics
  FaultHooks faults;                             // test-only planted bugs
};

// A consistent view of the supervisor's bookkeeping, for invariant checkers and metrics.
struct SupervisorSnapshot {
  struct Record {
    runtime::Pid pid;
    bool released;
  };
  std::vector<Record> records;                                   // in pid order
  std::vector<std::pair<uint64_t, runtime::Pid>> pending_slots;  // (correlation id, owner)
  bool shutting_down = false;
};

// Typed status for a failed durable flush during shutdown: IsShutdownFlushError(status).
absl::Status ShutdownFlushError(const absl::Status& cause);
bool IsShutdownFlushError(const absl::Status& status);

class ConnectionSupervisor final : private ConnectionHost, private PushCorrelator::Connections {
 public:
  ConnectionSupervisor(runtime::Runtime& runtime, ConnectionServices& services,
                       SupervisorOptions options);
  ~ConnectionSupervisor() override;

  // Spawns the connection's process and tracks it. Refused (socket closed with a
  // ConnectError) while shutting down or at max_connections.
  absl::StatusOr<ConnectionHandle> SpawnConnection(std::unique_ptr<runtime::Socket> socket);

  bool IsTracked(runtime::Pid pid) const;
  size_t ActiveCount() const;
  std::vector<runtime::Pid> ActivePids() const;

  // Untracks and releases every record whose process is gone; returns how many.
  size_t ReapCrashedConnections();

  // Queues NotifyShutdown on every connection: Disconnect once, to connections holding
  // subscriptions (the reference) or to every connection.
  void NotifyShutdown(bool every_connection = false);

  // Disconnect (unless already sent), close, finish normally. If the wake fails and the
  // process is still alive, it is killed instead so the connection cannot linger.
  ControlOutcome ForceClose(runtime::Pid pid);

  // Pushes `payload` to the connection. An unknown or closed pid gives an awaiter that is
  // already Disconnected. A failed wake rolls the push back and returns Unavailable; a
  // connection that already has max_pending_pushes_per_connection pushes unanswered gets
  // none (ResourceExhausted).
  absl::StatusOr<PushReplyAwaiter> PushToConnection(runtime::Pid pid, std::string payload);

  // The same push without blocking anyone: `done` runs exactly once, outside every lock,
  // with the reply, Timeout (after `timeout`, connection still alive) or Disconnected
  // (promptly, once the connection closed). Returns the correlation id, or Unavailable if the
  // push was rolled back, or ResourceExhausted at the pending-push limit (then `done` never
  // runs).
  absl::StatusOr<uint64_t> PushToConnectionAsync(runtime::Pid pid, std::string payload,
                                                 absl::Duration timeout, PushCallback done);

  // Flushes durable state through the services; failures are ShutdownFlushError.
  absl::Status FlushDurableState();

  // Stops admitting connections and force-closes every tracked one.
  void Shutdown();

  // Blocks until no connection is tracked (and none is being spawned) or `timeout` passes;
  // true if idle. Blocks a real
  // thread: never call it from a process slice or a runtime task.
  bool AwaitIdle(absl::Duration timeout);
  // The drain's wait: as AwaitIdle, but also returns (false, unless idle) as soon as
  // Shutdown() has been called, so a force close cuts the drain short.
  bool AwaitDrain(absl::Duration timeout);

  SupervisorSnapshot Snapshot() const;
  runtime::Runtime& runtime() { return runtime_; }

 private:
  // ConnectionHost
  void ResolvePushReply(runtime::Pid from, uint64_t correlation_id, std::string payload) override;
  protocol::WorkerRegisterAck RegisterWorker(ConnectionState& state, runtime::Pid pid,
                                             const protocol::WorkerRegister& registration) override;
  void ReleaseConnection(ConnectionState& state, runtime::Pid pid) override;
  void RecordEvent(const SupervisorEvent& event) override;
  SupervisorMetrics metrics() const override { return metrics_; }

  // PushCorrelator::Connections
  std::shared_ptr<ConnectionState> LiveConnectionLocked(runtime::Pid pid) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  bool ConnectionAliveLocked(runtime::Pid pid) override ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  ControlOutcome EnqueueAndWake(ConnectionState& state, runtime::Pid pid, Control control) override;
  void OnProcessExit(runtime::Pid pid, const std::shared_ptr<ConnectionState>& state);
  std::shared_ptr<ConnectionState> FindState(runtime::Pid pid) const;
  void RefuseConnection(runtime::Socket& socket, protocol::ReasonCode code, std::string text);

  runtime::Runtime& runtime_;
  ConnectionServices& services_;
  const SupervisorOptions options_;
  const SupervisorMetrics metrics_;
  std::unique_ptr<runtime::Mutex> mu_;
  absl::btree_map<runtime::Pid, std::shared_ptr<ConnectionState>> records_ ABSL_GUARDED_BY(*mu_);
  PushCorrelator pushes_;  // shares mu_
  bool shutting_down_ ABSL_GUARDED_BY(*mu_) = false;
  size_t spawns_in_flight_ ABSL_GUARDED_BY(*mu_) = 0;  // admitted, record not yet inserted
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONNECTION_SUPERVISOR_H_
