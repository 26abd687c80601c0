#include "core/server/connection_supervisor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/protocol/frame_encoder.h"
#include "core/server/connection_process.h"

namespace liminal::server {
namespace {

using runtime::MutexLock;
using runtime::Pid;

constexpr char kSupervisorErrorPayload[] = "liminal.dev/supervisor-error";

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
      options_(WithFaultPoints(std::move(options), runtime)),
      mu_(runtime.NewMutex()) {}

ConnectionSupervisor::~ConnectionSupervisor() = default;

absl::StatusOr<ConnectionHandle> ConnectionSupervisor::SpawnConnection(
    std::unique_ptr<runtime::Socket> socket) {
  std::string peer = socket->PeerAddress();
  {
    MutexLock lock(*mu_);
    if (shutting_down_) {
      if (options_.metrics != nullptr) options_.metrics->connections_rejected_total.Increment();
      RefuseConnection(*socket, protocol::ReasonCode::kShuttingDown, "server is shutting down");
      return absl::FailedPreconditionError("supervisor is shutting down");
    }
    if (options_.max_connections != 0 && records_.size() >= options_.max_connections) {
      if (options_.metrics != nullptr) options_.metrics->connections_rejected_total.Increment();
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
  if (options_.metrics != nullptr) {
    options_.metrics->connections_total.Increment();
    options_.metrics->connections_current.Increment();
  }
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
      CancelSlotsLocked(pid);
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
      CancelSlotsLocked(it->first);
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

absl::StatusOr<std::shared_ptr<ReplySlot>> ConnectionSupervisor::RegisterSlot(
    Pid pid, PushCallback& on_done, std::optional<absl::Duration> timeout,
    std::shared_ptr<ConnectionState>& state) {
  const absl::Time now = runtime_.clock().Now();
  MutexLock lock(*mu_);
  auto it = records_.find(pid);
  if (it == records_.end() || it->second->released()) return nullptr;
  const size_t limit = options_.max_pending_pushes_per_connection;
  if (limit != 0 && pushes_.PendingOwnedBy(pid) >= limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("connection ", pid, " already has ", limit,
                     " pushes awaiting a reply (max_pending_pushes_per_connection)"));
  }
  state = it->second;
  std::shared_ptr<ReplySlot> slot = pushes_.Register(pid, now);
  RecordEvent({SupervisorEventKind::kSlotRegistered, pid, slot->correlation_id});
  if (on_done) {
    slot->on_done = std::move(on_done);
    const uint64_t id = slot->correlation_id;
    slot->timer = runtime_.clock().RunAfter(timeout.value_or(absl::ZeroDuration()),
                                            [this, id] { OnAsyncPushTimeout(id); });
  }
  return slot;
}

bool ConnectionSupervisor::SendPush(ConnectionState& state, Pid pid,
                                    const std::shared_ptr<ReplySlot>& slot, std::string payload) {
  // The close path may run right here; it cancels the slot registered just before.
  const ControlOutcome outcome =
      EnqueueAndWake(state, pid, PushControl{slot->correlation_id, std::move(payload)});
  if (outcome == ControlOutcome::kDelivered) return true;
  MutexLock lock(*mu_);
  if (outcome == ControlOutcome::kRolledBack && slot->state == ReplySlotState::kPending) {
    // Rolled back cleanly: the push never happened, so nobody is told it ended.
    slot->on_done = nullptr;
    if (slot->timer != 0) runtime_.clock().Cancel(slot->timer);
    pushes_.Finish(slot->correlation_id, ReplySlotState::kCancelled);
    RecordEvent({SupervisorEventKind::kSlotCancelled, pid, slot->correlation_id});
    return false;
  }
  // Refused (the connection was released in the window) or already ended by the close path.
  if (std::shared_ptr<ReplySlot> ended =
          pushes_.Finish(slot->correlation_id, ReplySlotState::kCancelled)) {
    SlotEndedLocked(*ended, SupervisorEventKind::kSlotCancelled,
                    PushResult{PushOutcome::kDisconnected, ""});
  }
  return true;
}

absl::StatusOr<PushReplyAwaiter> ConnectionSupervisor::PushToConnection(Pid pid,
                                                                        std::string payload) {
  std::shared_ptr<ConnectionState> state;
  PushCallback none;
  absl::StatusOr<std::shared_ptr<ReplySlot>> registered =
      RegisterSlot(pid, none, std::nullopt, state);
  if (!registered.ok()) return registered.status();
  std::shared_ptr<ReplySlot> slot = *std::move(registered);
  if (slot == nullptr) {
    auto closed = std::make_shared<ReplySlot>();
    closed->owner = pid;
    closed->state = ReplySlotState::kCancelled;
    return PushReplyAwaiter(*this, std::move(closed));
  }
  if (!SendPush(*state, pid, slot, std::move(payload))) {
    return absl::UnavailableError(absl::StrCat("push to connection ", pid,
                                               " was rolled back: its process could not be woken"));
  }
  return PushReplyAwaiter(*this, std::move(slot));
}

absl::StatusOr<uint64_t> ConnectionSupervisor::PushToConnectionAsync(Pid pid, std::string payload,
                                                                     absl::Duration timeout,
                                                                     PushCallback done) {
  std::shared_ptr<ConnectionState> state;
  absl::StatusOr<std::shared_ptr<ReplySlot>> registered = RegisterSlot(pid, done, timeout, state);
  if (!registered.ok()) return registered.status();
  std::shared_ptr<ReplySlot> slot = *std::move(registered);
  if (slot == nullptr) {
    RecordPushOutcome(pid, 0, PushResult{PushOutcome::kDisconnected, ""});
    runtime_.scheduler().Post([done = std::move(done)]() mutable {
      std::move(done)(PushResult{PushOutcome::kDisconnected, ""});
    });
    return uint64_t{0};
  }
  const uint64_t id = slot->correlation_id;
  if (!SendPush(*state, pid, slot, std::move(payload))) {
    return absl::UnavailableError(absl::StrCat("push to connection ", pid,
                                               " was rolled back: its process could not be woken"));
  }
  return id;
}

void ConnectionSupervisor::SlotEndedLocked(ReplySlot& slot, SupervisorEventKind slot_event,
                                           PushResult result, Pid event_pid) {
  RecordEvent(
      {slot_event, event_pid == runtime::kNoPid ? slot.owner : event_pid, slot.correlation_id});
  if (!slot.on_done) return;
  if (slot.timer != 0) {
    runtime_.clock().Cancel(slot.timer);
    slot.timer = 0;
  }
  RecordPushOutcome(slot.owner, slot.correlation_id, result);
  runtime_.scheduler().Post([done = std::move(slot.on_done), result = std::move(result)]() mutable {
    std::move(done)(std::move(result));
  });
  slot.on_done = nullptr;
}

bool ConnectionSupervisor::OwnerLiveLocked(Pid owner) {
  auto it = records_.find(owner);
  return it != records_.end() && !it->second->released() && runtime_.scheduler().IsAlive(owner);
}

void ConnectionSupervisor::OnAsyncPushTimeout(uint64_t correlation_id) {
  MutexLock lock(*mu_);
  std::shared_ptr<ReplySlot> slot = pushes_.Finish(correlation_id, ReplySlotState::kTimedOut);
  if (slot == nullptr) return;
  slot->timer = 0;
  const bool live = OwnerLiveLocked(slot->owner);
  SlotEndedLocked(*slot, SupervisorEventKind::kSlotTimedOut,
                  PushResult{live ? PushOutcome::kTimeout : PushOutcome::kDisconnected, ""});
}

void ConnectionSupervisor::RecordPushOutcome(Pid owner, uint64_t correlation_id,
                                             const PushResult& result) {
  SupervisorEventKind ended = SupervisorEventKind::kAwaiterDisconnected;
  metrics::PushOutcome metric = metrics::PushOutcome::kDisconnected;
  if (result.outcome == PushOutcome::kReply) {
    ended = SupervisorEventKind::kAwaiterReply;
    metric = metrics::PushOutcome::kReplied;
  } else if (result.outcome == PushOutcome::kTimeout) {
    ended = SupervisorEventKind::kAwaiterTimeout;
    metric = metrics::PushOutcome::kTimeout;
  }
  RecordEvent({ended, owner, correlation_id});
  if (options_.metrics != nullptr) options_.metrics->Pushes(metric).Increment();
}

PushResult ConnectionSupervisor::AwaitSlot(const std::shared_ptr<ReplySlot>& slot,
                                           absl::Duration timeout) {
  MutexLock lock(*mu_);
  mu_->AwaitWithTimeout([&] { return slot->state != ReplySlotState::kPending; }, timeout);
  PushResult result;
  switch (slot->state) {
    case ReplySlotState::kReplied:
      result.outcome = PushOutcome::kReply;
      result.reply = std::move(slot->reply);
      break;
    case ReplySlotState::kCancelled:
    case ReplySlotState::kTimedOut:
      result.outcome = PushOutcome::kDisconnected;
      break;
    case ReplySlotState::kPending:
      pushes_.Finish(slot->correlation_id, ReplySlotState::kTimedOut);
      RecordEvent({SupervisorEventKind::kSlotTimedOut, slot->owner, slot->correlation_id});
      result.outcome =
          OwnerLiveLocked(slot->owner) ? PushOutcome::kTimeout : PushOutcome::kDisconnected;
      break;
  }
  RecordPushOutcome(slot->owner, slot->correlation_id, result);
  return result;
}

void ConnectionSupervisor::AbandonSlot(const std::shared_ptr<ReplySlot>& slot) {
  MutexLock lock(*mu_);
  if (pushes_.Finish(slot->correlation_id, ReplySlotState::kCancelled)) {
    RecordEvent({SupervisorEventKind::kSlotCancelled, slot->owner, slot->correlation_id});
  }
}

void ConnectionSupervisor::ResolvePushReply(Pid from, uint64_t correlation_id,
                                            std::string payload) {
  const absl::Time now = runtime_.clock().Now();
  MutexLock lock(*mu_);
  const Pid claimed_owner =
      options_.faults.resolve_reply_from_any_connection ? pushes_.OwnerOf(correlation_id) : from;
  std::shared_ptr<ReplySlot> slot =
      pushes_.Resolve(claimed_owner, correlation_id, std::move(payload));
  if (slot == nullptr) return;
  if (options_.metrics != nullptr) {
    options_.metrics->push_latency_seconds.Observe(absl::ToDoubleSeconds(now - slot->sent_at));
  }
  PushResult result{PushOutcome::kReply, slot->on_done ? std::move(slot->reply) : std::string()};
  // The event names the connection the PushReply arrived on, not the slot's owner: a checker
  // compares the two.
  SlotEndedLocked(*slot, SupervisorEventKind::kSlotReplied, std::move(result), from);
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
    CancelSlotsLocked(pid);
  }
  ReleaseConnection(*state, pid);
}

void ConnectionSupervisor::CancelSlotsLocked(Pid pid) {
  if (options_.faults.skip_reply_slot_cancel_on_close) return;
  const PushOutcome outcome =
      options_.faults.cancel_reports_timeout ? PushOutcome::kTimeout : PushOutcome::kDisconnected;
  for (const std::shared_ptr<ReplySlot>& slot : pushes_.CancelOwnedBy(pid)) {
    SlotEndedLocked(*slot, SupervisorEventKind::kSlotCancelled, PushResult{outcome, ""});
  }
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
    CancelSlotsLocked(pid);
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
  if (options_.metrics != nullptr) options_.metrics->connections_current.Decrement();
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
    if (ForceClose(pid) != ControlOutcome::kRefused && options_.metrics != nullptr) {
      options_.metrics->connections_force_closed_total.Increment();
    }
  }
}

bool ConnectionSupervisor::AwaitIdle(absl::Duration timeout) {
  MutexLock lock(*mu_);
  return mu_->AwaitWithTimeout([&] { return records_.empty() && spawns_in_flight_ == 0; }, timeout);
}

bool ConnectionSupervisor::AwaitDrain(absl::Duration timeout) {
  MutexLock lock(*mu_);
  mu_->AwaitWithTimeout(
      [&] { return (records_.empty() && spawns_in_flight_ == 0) || shutting_down_; }, timeout);
  return records_.empty() && spawns_in_flight_ == 0;
}

SupervisorSnapshot ConnectionSupervisor::Snapshot() const {
  MutexLock lock(*mu_);
  SupervisorSnapshot snapshot;
  snapshot.shutting_down = shutting_down_;
  for (const auto& [pid, state] : records_) {
    snapshot.records.push_back({pid, state->released()});
  }
  snapshot.pending_slots = pushes_.Pending();
  return snapshot;
}

void ConnectionSupervisor::RecordEvent(const SupervisorEvent& event) {
  if (options_.events != nullptr) options_.events->Record(event);
}

}  // namespace liminal::server
