#include "core/server/push_correlator.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::server {

using runtime::MutexLock;
using runtime::Pid;

absl::StatusOr<std::shared_ptr<ReplySlot>> PushCorrelator::RegisterSlot(
    Pid pid, PushCallback& on_done, std::optional<absl::Duration> timeout,
    std::shared_ptr<ConnectionState>& state) {
  const absl::Time now = runtime_.clock().Now();
  MutexLock lock(mu_);
  std::shared_ptr<ConnectionState> live = connections_.LiveConnectionLocked(pid);
  if (live == nullptr) return nullptr;
  const size_t limit = options_.max_pending_per_connection;
  if (limit != 0 && pushes_.PendingOwnedBy(pid) >= limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("connection ", pid, " already has ", limit,
                     " pushes awaiting a reply (max_pending_pushes_per_connection)"));
  }
  state = std::move(live);
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

bool PushCorrelator::SendPush(ConnectionState& state, Pid pid,
                              const std::shared_ptr<ReplySlot>& slot, std::string payload) {
  // The close path may run right here; it cancels the slot registered just before.
  const ControlOutcome outcome = connections_.EnqueueAndWake(
      state, pid, PushControl{slot->correlation_id, std::move(payload)});
  if (outcome == ControlOutcome::kDelivered) return true;
  MutexLock lock(mu_);
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

absl::StatusOr<PushReplyAwaiter> PushCorrelator::Push(Pid pid, std::string payload) {
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

absl::StatusOr<uint64_t> PushCorrelator::PushAsync(Pid pid, std::string payload,
                                                   absl::Duration timeout, PushCallback done) {
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

void PushCorrelator::SlotEndedLocked(ReplySlot& slot, SupervisorEventKind slot_event,
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

void PushCorrelator::OnAsyncPushTimeout(uint64_t correlation_id) {
  MutexLock lock(mu_);
  std::shared_ptr<ReplySlot> slot = pushes_.Finish(correlation_id, ReplySlotState::kTimedOut);
  if (slot == nullptr) return;
  slot->timer = 0;
  const bool live = connections_.ConnectionAliveLocked(slot->owner);
  SlotEndedLocked(*slot, SupervisorEventKind::kSlotTimedOut,
                  PushResult{live ? PushOutcome::kTimeout : PushOutcome::kDisconnected, ""});
}

void PushCorrelator::RecordPushOutcome(Pid owner, uint64_t correlation_id,
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
  options_.metrics.PushEnded(metric);
}

PushResult PushCorrelator::AwaitSlot(const std::shared_ptr<ReplySlot>& slot,
                                     absl::Duration timeout) {
  MutexLock lock(mu_);
  mu_.AwaitWithTimeout([&] { return slot->state != ReplySlotState::kPending; }, timeout);
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
      result.outcome = connections_.ConnectionAliveLocked(slot->owner) ? PushOutcome::kTimeout
                                                                       : PushOutcome::kDisconnected;
      break;
  }
  RecordPushOutcome(slot->owner, slot->correlation_id, result);
  return result;
}

void PushCorrelator::AbandonSlot(const std::shared_ptr<ReplySlot>& slot) {
  MutexLock lock(mu_);
  if (pushes_.Finish(slot->correlation_id, ReplySlotState::kCancelled)) {
    RecordEvent({SupervisorEventKind::kSlotCancelled, slot->owner, slot->correlation_id});
  }
}

void PushCorrelator::Resolve(Pid from, uint64_t correlation_id, std::string payload) {
  const absl::Time now = runtime_.clock().Now();
  MutexLock lock(mu_);
  const Pid claimed_owner =
      options_.resolve_reply_from_any_connection ? pushes_.OwnerOf(correlation_id) : from;
  std::shared_ptr<ReplySlot> slot =
      pushes_.Resolve(claimed_owner, correlation_id, std::move(payload));
  if (slot == nullptr) return;
  options_.metrics.PushReplied(now - slot->sent_at);
  PushResult result{PushOutcome::kReply, slot->on_done ? std::move(slot->reply) : std::string()};
  // The event names the connection the PushReply arrived on, not the slot's owner: a checker
  // compares the two.
  SlotEndedLocked(*slot, SupervisorEventKind::kSlotReplied, std::move(result), from);
}

void PushCorrelator::CancelOwnedByLocked(Pid pid) {
  if (options_.skip_cancel_on_close) return;
  const PushOutcome outcome =
      options_.cancel_reports_timeout ? PushOutcome::kTimeout : PushOutcome::kDisconnected;
  for (const std::shared_ptr<ReplySlot>& slot : pushes_.CancelOwnedBy(pid)) {
    SlotEndedLocked(*slot, SupervisorEventKind::kSlotCancelled, PushResult{outcome, ""});
  }
}

}  // namespace liminal::server
