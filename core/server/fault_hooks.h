// Test-only switches that plant known race bugs in the supervisor, so the simulation can
// prove its invariants catch each class (issue: "proof that it finds bugs"). Production and
// every ordinary test leave them all false; they are plain runtime flags, not #ifdefs, so
// the code path under test is the production one plus exactly one omission.
#ifndef LIMINAL_CORE_SERVER_FAULT_HOOKS_H_
#define LIMINAL_CORE_SERVER_FAULT_HOOKS_H_

namespace liminal::server {

struct FaultHooks {
  // The close path forgets to cancel the connection's pending reply slots.
  bool skip_reply_slot_cancel_on_close = false;
  // SpawnConnection inserts the record without re-checking liveness afterwards.
  bool skip_post_insert_liveness_check = false;
  // A failed wake leaves the control in the queue instead of rolling it back.
  bool skip_control_rollback = false;
  // A rejected registration still fires the unregister hook on close.
  bool unregister_rejected_registrations = false;
  // A PushReply resolves the slot of its correlation id whichever connection it came from.
  bool resolve_reply_from_any_connection = false;
  // NotifyShutdown's every-connection mode notifies only connections with subscriptions.
  bool notify_subscribers_only = false;
  // The close path ends the connection's pending asynchronous pushes as Timeout instead of
  // Disconnected.
  bool cancel_reports_timeout = false;
  // A durable channel with fsync "always" acknowledges (and delivers) right after the write,
  // before any fsync covers the message.
  bool ack_durable_before_fsync = false;
  // Connections read without their inbox bound: input backpressure is lost.
  bool unbounded_connection_inbox = false;

  // Messaging bugs, each caught by the simulation's messaging history (sim/invariants/
  // messaging_history.h), not by a supervisor invariant:
  // The credit window admits max_in_flight + 1 unacknowledged deliveries.
  bool credit_off_by_one = false;
  // A duplicate publish (its idempotency key seen within the window) is fanned out again.
  bool deliver_duplicate_publish = false;
  // A publish queues a message for an idle subscriber without waking it.
  bool lose_subscriber_wake = false;
  // Releasing a connection leaves its subscriptions attached to their channels.
  bool keep_subscriptions_on_close = false;
  // A participant's reply completes the connection's newest pending request, not its own.
  bool reply_to_newest_request = false;
  // A worker's second registration leaves it registered for its previous task queue too.
  bool keep_replaced_worker_registration = false;
  // Routing rules copy every message of their source channel, ignoring their predicates.
  bool route_ignores_predicate = false;
  // A deferred message is queued for redelivery twice.
  bool defer_redelivers_twice = false;
  // A deferred message is redelivered under its old delivery_seq instead of the next one.
  bool redeliver_under_old_seq = false;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_FAULT_HOOKS_H_
