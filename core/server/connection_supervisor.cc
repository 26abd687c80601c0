#include "core/server/connection_supervisor.h"

#include <cstdint>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/auth/permissions.h"
#include "core/protocol/frame_encoder.h"
#include "core/server/connection_process.h"

namespace liminal::server {
namespace {

using runtime::MutexLock;
using runtime::Pid;

constexpr char kSupervisorErrorPayload[] = "liminal.dev/supervisor-error";

// Planted bugs (fault_hooks.h) that are a change of the connections' options.
SupervisorOptions WithPlantedFaults(SupervisorOptions options) {
  if (options.faults.unbounded_connection_inbox) options.connection.max_inbox_bytes = SIZE_MAX;
  return options;
}

// The connections see the runtime's fault points (null outside the simulation).
SupervisorOptions WithFaultPoints(SupervisorOptions options, runtime::Runtime& runtime) {
  options.connection.fault_points = runtime.fault_points();
  return options;
}

}  // namespace

absl::Status ShutdownFlushError(const absl::Status& cause) {
  absl::Status status(
      cause.code() == absl::StatusCode::kOk ? absl::StatusCode::kInternal : cause.code(),
      absl::StrCat("ShutdownFlush: durable state could not be flushed: ", cause.message()));
  status.SetPayload(kSupervisorErrorPayload, absl::Cord("ShutdownFlush"));
  return status;
}

bool IsShutdownFlushError(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kSupervisorErrorPayload);
  return payload.has_value() && *payload == "ShutdownFlush";
}

ConnectionSupervisor::ConnectionSupervisor(runtime::Runtime& runtime, ConnectionServices& services,
                                           SupervisorOptions options)
    : runtime_(runtime),
      services_(services),
      options_(WithFaultPoints(WithPlantedFaults(std::move(options)), runtime)),
      metrics_(options_.metrics),
      mu_(runtime.NewMutex()),
      pushes_(
          runtime, *mu_, *this,
          {.max_pending_per_connection = options_.max_pending_pushes_per_connection,
           .skip_cancel_on_close = options_.faults.skip_reply_slot_cancel_on_close,
           .resolve_reply_from_any_connection = options_.faults.resolve_reply_from_any_connection,
           .cancel_reports_timeout = options_.faults.cancel_reports_timeout,
           .metrics = metrics_}) {
  // Every user's permission-denied series exists (at 0) from the start.
  for (const auth::UserCredential& user : options_.connection.auth_users) {
    for (auth::Operation op : auth::kAllOperations) {
      metrics_.PermissionDeniedCounter(user.name, auth::OperationName(op));
    }
  }
}

ConnectionSupervisor::~ConnectionSupervisor() = default;

absl::StatusOr<ConnectionHandle> ConnectionSupervisor::SpawnConnection(
    std::unique_ptr<runtime::Socket> socket) {
  std::string peer = socket->PeerAddress();
  {
    MutexLock lock(*mu_);
    if (shutting_down_) {
      metrics_.ConnectionRejected();
      RefuseConnection(*socket, protocol::ReasonCode::kShuttingDown, "server is shutting down");
      return absl::FailedPreconditionError("supervisor is shutting down");
    }
    if (options_.max_connections != 0 && records_.size() >= options_.max_connections) {
      metrics_.ConnectionRejected();
      RefuseConnection(*socket, protocol::ReasonCode::kLimit,
                       absl::StrCat("connection limit reached (max_connections=",
                                    options_.max_connections, ")"));
      return absl::ResourceExhaustedError("max_connections reached");
    }
    // Visible to AwaitIdle from here on: a Shutdown racing this spawn waits for its insert
    // (which then force-closes it) instead of declaring the server idle too early.
    ++spawns_in_flight_;
  }

  auto state =
      std::make_shared<ConnectionState>(runtime_.NewMutex(), peer, services_.OpenSession());
  runtime::Scheduler& scheduler = runtime_.scheduler();
  const Pid pid = scheduler.Spawn(std::make_unique<ConnectionProcess>(
                                      static_cast<ConnectionHost&>(*this), state, std::move(socket),
                                      options_.connection, scheduler, runtime_.clock()),
                                  {.name = "connection"});
  RecordEvent({SupervisorEventKind::kSpawned, pid, 0});
  metrics_.ConnectionAccepted();
  scheduler.Monitor(pid, [this, state](Pid exited, const runtime::ExitReason& reason) {
    if (reason.kind == runtime::ExitKind::kError || reason.kind == runtime::ExitKind::kKilled) {
      RecordEvent(
          {SupervisorEventKind::kClosed, exited, static_cast<uint64_t>(CloseRoute::kCrashed)});
    }
    OnProcessExit(exited, state);
  });

  bool orphaned = false;
  bool close_now = false;
  {
    MutexLock lock(*mu_);
    --spawns_in_flight_;
    records_.emplace(pid, state);
    RecordEvent({SupervisorEventKind::kRecordInserted, pid, 0});
    // The first slice may already have run and exited, and its exit monitor found no record
    // to remove. Without this check the record would be an orphan until the next reap.
    if (!options_.faults.skip_post_insert_liveness_check && !scheduler.IsAlive(pid)) {
      records_.erase(pid);
      RecordEvent({SupervisorEventKind::kRecordRemoved, pid, 0});
      pushes_.AssertShared(*mu_);
      pushes_.CancelOwnedByLocked(pid);
      RecordEvent(
          {SupervisorEventKind::kClosed, pid, static_cast<uint64_t>(CloseRoute::kOrphanRemoved)});
      orphaned = true;
    }
    close_now = shutting_down_ && !orphaned;
  }
  if (orphaned) ReleaseConnection(*state, pid);
  if (close_now) ForceClose(pid);
  return ConnectionHandle(pid, std::move(peer), scheduler);
}

void ConnectionSupervisor::RefuseConnection(runtime::Socket& socket, protocol::ReasonCode code,
                                            std::string text) {
  RecordEvent({SupervisorEventKind::kErrorSent, runtime::kNoPid, protocol::ToWire(code)});
  std::string bytes;
  if (protocol::EncodeFrame(
          protocol::MakeFrame(protocol::ConnectError{protocol::ToWire(code), std::move(text)}),
          bytes)
          .ok()) {
    socket.Write(std::move(bytes));
  }
  socket.Close();
}

bool ConnectionSupervisor::IsTracked(Pid pid) const {
  MutexLock lock(*mu_);
  return records_.contains(pid);
}

size_t ConnectionSupervisor::ActiveCount() const {
  MutexLock lock(*mu_);
  return records_.size();
}

std::vector<Pid> ConnectionSupervisor::ActivePids() const {
  MutexLock lock(*mu_);
  std::vector<Pid> pids;
  pids.reserve(records_.size());
  for (const auto& [pid, state] : records_) pids.push_back(pid);
  return pids;
}

std::shared_ptr<ConnectionState> ConnectionSupervisor::FindState(Pid pid) const {
  MutexLock lock(*mu_);
  auto it = records_.find(pid);
  return it == records_.end() ? nullptr : it->second;
}

size_t ConnectionSupervisor::ReapCrashedConnections() {
  std::vector<std::pair<Pid, std::shared_ptr<ConnectionState>>> reaped;
  {
    MutexLock lock(*mu_);
    for (auto it = records_.begin(); it != records_.end();) {
      if (runtime_.scheduler().IsAlive(it->first)) {
        ++it;
        continue;
      }
      reaped.emplace_back(it->first, std::move(it->second));
      RecordEvent({SupervisorEventKind::kRecordRemoved, it->first, 0});
      RecordEvent(
          {SupervisorEventKind::kClosed, it->first, static_cast<uint64_t>(CloseRoute::kReaped)});
      pushes_.AssertShared(*mu_);
      pushes_.CancelOwnedByLocked(it->first);
      it = records_.erase(it);
    }
  }
  for (auto& [pid, state] : reaped) ReleaseConnection(*state, pid);
  return reaped.size();
}

void ConnectionSupervisor::NotifyShutdown(bool every_connection) {
  std::vector<std::pair<Pid, std::shared_ptr<ConnectionState>>> targets;
  {
    MutexLock lock(*mu_);
    targets.assign(records_.begin(), records_.end());
  }
  if (options_.faults.notify_subscribers_only) every_connection = false;
  // A wake that fails while the process lives would lose the notice for the whole drain
  // (found by the simulation's shutdown-notice check): try again a few times, then close the
  // connection now (ForceClose: Disconnect, or a kill if even that wake fails) rather than
  // leave it open and un-notified.
  constexpr int kNotifyAttempts = 3;
  for (auto& [pid, state] : targets) {
    ControlOutcome outcome = ControlOutcome::kRolledBack;
    for (int attempt = 0; attempt < kNotifyAttempts && outcome == ControlOutcome::kRolledBack;
         ++attempt) {
      outcome = EnqueueAndWake(*state, pid, NotifyShutdownControl{every_connection});
    }
    if (outcome == ControlOutcome::kRolledBack && runtime_.scheduler().IsAlive(pid)) {
      (void)ForceClose(pid);
    }
  }
}

ControlOutcome ConnectionSupervisor::ForceClose(Pid pid) {
  std::shared_ptr<ConnectionState> state = FindState(pid);
  if (state == nullptr) return ControlOutcome::kRefused;
  const ControlOutcome outcome = EnqueueAndWake(*state, pid, ForceCloseControl{});
  if (outcome == ControlOutcome::kRolledBack && runtime_.scheduler().IsAlive(pid)) {
    runtime_.scheduler().Kill(pid, runtime::ExitReason::Killed("force close: wake failed"));
  }
  return outcome;
}

ControlOutcome ConnectionSupervisor::EnqueueAndWake(ConnectionState& state, Pid pid,
                                                    Control control) {
  std::optional<ControlId> id = state.EnqueueControl(std::move(control));
  if (!id.has_value()) return ControlOutcome::kRefused;
  RecordEvent({SupervisorEventKind::kControlEnqueued, pid, *id});
  // The wake may come late: whatever else is runnable goes first (the simulation yields).
  (void)runtime::Buggify(options_.connection.fault_points, runtime::FaultPoint::kDelayedWake);
  if (runtime_.scheduler().Send(pid, runtime::Wake{})) return ControlOutcome::kDelivered;
  if (options_.faults.skip_control_rollback) {
    RecordEvent({SupervisorEventKind::kControlRolledBack, pid, *id});
    return ControlOutcome::kRolledBack;
  }
  // The wake failed, but the process may have drained the queue on its own (woken by
  // bytes or another control) before we got here. Only a control still queued can be
  // rolled back; one already consumed was delivered, and we say so.
  if (state.RemoveControl(*id)) {
    RecordEvent({SupervisorEventKind::kControlRolledBack, pid, *id});
    return ControlOutcome::kRolledBack;
  }
  return ControlOutcome::kDelivered;
}

absl::StatusOr<PushReplyAwaiter> ConnectionSupervisor::PushToConnection(Pid pid,
                                                                        std::string payload) {
  return pushes_.Push(pid, std::move(payload));
}

absl::StatusOr<uint64_t> ConnectionSupervisor::PushToConnectionAsync(Pid pid, std::string payload,
                                                                     absl::Duration timeout,
                                                                     PushCallback done) {
  return pushes_.PushAsync(pid, std::move(payload), timeout, std::move(done));
}

void ConnectionSupervisor::ResolvePushReply(Pid from, uint64_t correlation_id,
                                            std::string payload) {
  pushes_.Resolve(from, correlation_id, std::move(payload));
}

std::shared_ptr<ConnectionState> ConnectionSupervisor::LiveConnectionLocked(Pid pid) {
  auto it = records_.find(pid);
  if (it == records_.end() || it->second->released()) return nullptr;
  return it->second;
}

bool ConnectionSupervisor::ConnectionAliveLocked(Pid pid) {
  return LiveConnectionLocked(pid) != nullptr && runtime_.scheduler().IsAlive(pid);
}

protocol::WorkerRegisterAck ConnectionSupervisor::RegisterWorker(
    ConnectionState& state, Pid pid, const protocol::WorkerRegister& registration) {
  if (options_.notifier != nullptr) {
    absl::Status verdict = options_.notifier->OnWorkerRegistered(pid, registration);
    if (!verdict.ok()) {
      state.NoteRejectedRegistration();
      RecordEvent({SupervisorEventKind::kRegistrationRejected, pid, 0});
      std::string reason(verdict.message());
      if (reason.empty()) reason = "registration rejected";
      return protocol::WorkerRegisterAck{std::move(reason)};
    }
  }
  const bool stored = state.StoreRegistration(registration);
  RecordEvent({SupervisorEventKind::kRegistrationStored, pid, 0});
  if (stored) return protocol::WorkerRegisterAck{};
  // The connection was released while the notifier was deciding: the notifier has seen the
  // registration, so it must also see the matching unregister (wire §7.3 step 2).
  if (options_.notifier != nullptr) options_.notifier->OnWorkerUnregistered(pid);
  RecordEvent({SupervisorEventKind::kUnregisterFired, pid, 0});
  return protocol::WorkerRegisterAck{std::string("connection is closing")};
}

void ConnectionSupervisor::OnProcessExit(Pid pid, const std::shared_ptr<ConnectionState>& state) {
  {
    MutexLock lock(*mu_);
    auto it = records_.find(pid);
    if (it != records_.end() && it->second == state) {
      records_.erase(it);
      RecordEvent({SupervisorEventKind::kRecordRemoved, pid, 0});
    }
    pushes_.AssertShared(*mu_);
    pushes_.CancelOwnedByLocked(pid);
  }
  ReleaseConnection(*state, pid);
}

void ConnectionSupervisor::ReleaseConnection(ConnectionState& state, Pid pid) {
  std::optional<ReleaseWork> work = state.BeginRelease();
  if (!work.has_value()) return;
  RecordEvent({SupervisorEventKind::kReleased, pid, 0});
  for (const QueuedControl& control : work->discarded_controls) {
    RecordEvent({SupervisorEventKind::kControlDiscarded, pid, control.id});
  }
  {
    MutexLock lock(*mu_);
    pushes_.AssertShared(*mu_);
    pushes_.CancelOwnedByLocked(pid);
  }
  if (work->session != nullptr) work->session->Release();
  const bool unregister =
      work->had_registration ||
      (options_.faults.unregister_rejected_registrations && work->had_rejected_registration);
  if (unregister) {
    if (options_.notifier != nullptr) options_.notifier->OnWorkerUnregistered(pid);
    RecordEvent({SupervisorEventKind::kUnregisterFired, pid, 0});
  }
  // Last, so that a watcher of the gauge sees the whole release done.
  metrics_.ConnectionReleased();
}

absl::Status ConnectionSupervisor::FlushDurableState() {
  absl::Status status = services_.FlushDurableState();
  if (!status.ok()) return ShutdownFlushError(status);
  return absl::OkStatus();
}

void ConnectionSupervisor::Shutdown() {
  std::vector<Pid> pids;
  {
    MutexLock lock(*mu_);
    shutting_down_ = true;
    for (const auto& [pid, state] : records_) pids.push_back(pid);
  }
  for (Pid pid : pids) {
    if (ForceClose(pid) != ControlOutcome::kRefused) metrics_.ConnectionForceClosed();
  }
}

bool ConnectionSupervisor::AwaitIdle(absl::Duration timeout) {
  MutexLock lock(*mu_);
  return mu_->AwaitWithTimeout([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                                   *mu_) { return records_.empty() && spawns_in_flight_ == 0; },
                               timeout);
}

bool ConnectionSupervisor::AwaitDrain(absl::Duration timeout) {
  MutexLock lock(*mu_);
  mu_->AwaitWithTimeout(
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_) {
        return (records_.empty() && spawns_in_flight_ == 0) || shutting_down_;
      },
      timeout);
  return records_.empty() && spawns_in_flight_ == 0;
}

SupervisorSnapshot ConnectionSupervisor::Snapshot() const {
  MutexLock lock(*mu_);
  SupervisorSnapshot snapshot;
  snapshot.shutting_down = shutting_down_;
  for (const auto& [pid, state] : records_) {
    snapshot.records.push_back({pid, state->released()});
  }
  pushes_.AssertShared(*mu_);
  snapshot.pending_slots = pushes_.PendingLocked();
  return snapshot;
}

void ConnectionSupervisor::RecordEvent(const SupervisorEvent& event) {
  if (options_.events != nullptr) options_.events->Record(event);
}

}  // namespace liminal::server
