// PushCorrelator: server-initiated pushes and their replies. It registers a one-shot reply
// slot (PushRegistry) per push, queues the Push control on the target connection and wakes
// it, resolves a slot only with a PushReply from the connection the push went to, times out
// asynchronous pushes, and ends every slot of a closing connection as Disconnected.
//
// It shares the supervisor's mutex, so that a connection's record and its pending slots
// change together: the supervisor calls CancelOwnedByLocked while removing a record, under
// that mutex. The supervisor owns one and exposes Push/PushAsync as PushToConnection(Async).
//
//   PushCorrelator pushes(runtime, *mu, connections, {.max_pending_per_connection = 64});
//   absl::StatusOr<PushReplyAwaiter> awaiter = pushes.Push(pid, "job");
//   pushes.Resolve(from_pid, correlation_id, "reply");   // a PushReply arrived on from_pid
#ifndef LIMINAL_CORE_SERVER_PUSH_CORRELATOR_H_
#define LIMINAL_CORE_SERVER_PUSH_CORRELATOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/check/check.h"
#include "core/runtime/mutex.h"
#include "core/runtime/pid.h"
#include "core/runtime/runtime.h"
#include "core/server/connection_state.h"
#include "core/server/control.h"
#include "core/server/push_registry.h"
#include "core/server/push_reply_awaiter.h"
#include "core/server/push_result.h"
#include "core/server/supervisor_event.h"
#include "core/server/supervisor_metrics.h"

namespace liminal::server {

class PushCorrelator {
 public:
  // The connection records a push consults; the supervisor implements it.
  class Connections {
   public:
    virtual ~Connections() = default;
    // The tracked, unreleased connection `pid`, or null. Called with the shared mutex held.
    virtual std::shared_ptr<ConnectionState> LiveConnectionLocked(runtime::Pid pid) = 0;
    // Tracked, unreleased and its process alive. Called with the shared mutex held.
    virtual bool ConnectionAliveLocked(runtime::Pid pid) = 0;
    // Queues `control` and wakes the process, rolling it back if the wake fails. Called
    // without the shared mutex.
    virtual ControlOutcome EnqueueAndWake(ConnectionState& state, runtime::Pid pid,
                                          Control control) = 0;
    virtual void RecordEvent(const SupervisorEvent& event) = 0;
  };

  struct Options {
    size_t max_pending_per_connection = 0;  // 0: unlimited; more pushes are refused
    // Planted bugs (FaultHooks): slots of a closing connection stay pending; a PushReply
    // resolves its correlation id from any connection; closing ends pushes as Timeout.
    bool skip_cancel_on_close = false;
    bool resolve_reply_from_any_connection = false;
    bool cancel_reports_timeout = false;
    SupervisorMetrics metrics;
  };

  PushCorrelator(runtime::Runtime& runtime, runtime::Mutex& mu, Connections& connections,
                 Options options)
      : runtime_(runtime), mu_(mu), connections_(connections), options_(options) {}

  // See ConnectionSupervisor::PushToConnection and PushToConnectionAsync.
  absl::StatusOr<PushReplyAwaiter> Push(runtime::Pid pid, std::string payload);
  absl::StatusOr<uint64_t> PushAsync(runtime::Pid pid, std::string payload, absl::Duration timeout,
                                     PushCallback done);

  // A PushReply arrived on connection `from`: resolves the slot if `from` owns it.
  void Resolve(runtime::Pid from, uint64_t correlation_id, std::string payload);

  // For the supervisor, which holds the shared mutex under its own name: checks that `held`
  // is the correlator's mutex and tells the thread-safety analysis that it is held.
  void AssertShared(runtime::Mutex& held) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(held)
      ABSL_ASSERT_EXCLUSIVE_LOCK(mu_) {
    LIMINAL_CHECK(&held == &mu_, "the supervisor and its PushCorrelator share a mutex");
  }

  // Ends every pending slot of `pid` as Disconnected (its connection is closing).
  void CancelOwnedByLocked(runtime::Pid pid) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Pending slots as (correlation id, owner), in correlation-id order.
  std::vector<std::pair<uint64_t, runtime::Pid>> PendingLocked() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return pushes_.Pending();
  }

 private:
  friend class PushReplyAwaiter;

  // Registers a pending slot for a push to `pid`: null if the connection is gone,
  // ResourceExhausted at max_pending_per_connection. An async slot (non-empty `on_done`,
  // moved from) also gets its timeout timer.
  absl::StatusOr<std::shared_ptr<ReplySlot>> RegisterSlot(runtime::Pid pid, PushCallback& on_done,
                                                          std::optional<absl::Duration> timeout,
                                                          std::shared_ptr<ConnectionState>& state);
  // Enqueues the Push control and wakes the process. False if the push was rolled back
  // cleanly (the slot ended silently); otherwise the slot is live or has been ended for
  // its waiter.
  bool SendPush(ConnectionState& state, runtime::Pid pid, const std::shared_ptr<ReplySlot>& slot,
                std::string payload);
  // Ends `slot` (already finished in the registry) for its waiter: records the event, and
  // for an async slot cancels its timer and posts its callback. `event_pid`: the connection
  // the event names (default: the slot's owner).
  void SlotEndedLocked(ReplySlot& slot, SupervisorEventKind slot_event, PushResult result,
                       runtime::Pid event_pid = runtime::kNoPid) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnAsyncPushTimeout(uint64_t correlation_id);
  void RecordPushOutcome(runtime::Pid owner, uint64_t correlation_id, const PushResult& result);
  // For PushReplyAwaiter.
  PushResult AwaitSlot(const std::shared_ptr<ReplySlot>& slot, absl::Duration timeout);
  void AbandonSlot(const std::shared_ptr<ReplySlot>& slot);
  void RecordEvent(const SupervisorEvent& event) { connections_.RecordEvent(event); }

  runtime::Runtime& runtime_;
  runtime::Mutex& mu_;
  Connections& connections_;
  const Options options_;
  PushRegistry pushes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_PUSH_CORRELATOR_H_
