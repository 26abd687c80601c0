#include "sim/harness/planted_fault.h"

namespace liminal::sim {

std::vector<std::string> PlantedFaultNames() {
  return {"skip-reply-slot-cancel-on-close",
          "skip-post-insert-liveness-check",
          "skip-control-rollback",
          "unregister-rejected-registrations",
          "ack-durable-before-fsync",
          "unbounded-connection-inbox",
          "resolve-reply-from-any-connection",
          "notify-subscribers-only",
          "cancel-reports-timeout",
          "credit-off-by-one",
          "deliver-duplicate-publish",
          "lose-subscriber-wake",
          "keep-subscriptions-on-close",
          "reply-to-newest-request",
          "keep-replaced-worker-registration",
          "route-ignores-predicate",
          "defer-redelivers-twice",
          "redeliver-under-old-seq"};
}

std::optional<server::FaultHooks> ParsePlantedFault(std::string_view name) {
  server::FaultHooks hooks;
  if (name == "none") return hooks;
  if (name == "skip-reply-slot-cancel-on-close") {
    hooks.skip_reply_slot_cancel_on_close = true;
  } else if (name == "skip-post-insert-liveness-check") {
    hooks.skip_post_insert_liveness_check = true;
  } else if (name == "skip-control-rollback") {
    hooks.skip_control_rollback = true;
  } else if (name == "unregister-rejected-registrations") {
    hooks.unregister_rejected_registrations = true;
  } else if (name == "ack-durable-before-fsync") {
    hooks.ack_durable_before_fsync = true;
  } else if (name == "unbounded-connection-inbox") {
    hooks.unbounded_connection_inbox = true;
  } else if (name == "resolve-reply-from-any-connection") {
    hooks.resolve_reply_from_any_connection = true;
  } else if (name == "notify-subscribers-only") {
    hooks.notify_subscribers_only = true;
  } else if (name == "cancel-reports-timeout") {
    hooks.cancel_reports_timeout = true;
  } else if (name == "credit-off-by-one") {
    hooks.credit_off_by_one = true;
  } else if (name == "deliver-duplicate-publish") {
    hooks.deliver_duplicate_publish = true;
  } else if (name == "lose-subscriber-wake") {
    hooks.lose_subscriber_wake = true;
  } else if (name == "keep-subscriptions-on-close") {
    hooks.keep_subscriptions_on_close = true;
  } else if (name == "reply-to-newest-request") {
    hooks.reply_to_newest_request = true;
  } else if (name == "keep-replaced-worker-registration") {
    hooks.keep_replaced_worker_registration = true;
  } else if (name == "route-ignores-predicate") {
    hooks.route_ignores_predicate = true;
  } else if (name == "defer-redelivers-twice") {
    hooks.defer_redelivers_twice = true;
  } else if (name == "redeliver-under-old-seq") {
    hooks.redeliver_under_old_seq = true;
  } else {
    return std::nullopt;
  }
  return hooks;
}

std::string PlantedFaultName(const server::FaultHooks& hooks) {
  if (hooks.skip_reply_slot_cancel_on_close) return "skip-reply-slot-cancel-on-close";
  if (hooks.skip_post_insert_liveness_check) return "skip-post-insert-liveness-check";
  if (hooks.skip_control_rollback) return "skip-control-rollback";
  if (hooks.unregister_rejected_registrations) return "unregister-rejected-registrations";
  if (hooks.ack_durable_before_fsync) return "ack-durable-before-fsync";
  if (hooks.unbounded_connection_inbox) return "unbounded-connection-inbox";
  if (hooks.resolve_reply_from_any_connection) return "resolve-reply-from-any-connection";
  if (hooks.notify_subscribers_only) return "notify-subscribers-only";
  if (hooks.cancel_reports_timeout) return "cancel-reports-timeout";
  if (hooks.credit_off_by_one) return "credit-off-by-one";
  if (hooks.deliver_duplicate_publish) return "deliver-duplicate-publish";
  if (hooks.lose_subscriber_wake) return "lose-subscriber-wake";
  if (hooks.keep_subscriptions_on_close) return "keep-subscriptions-on-close";
  if (hooks.reply_to_newest_request) return "reply-to-newest-request";
  if (hooks.keep_replaced_worker_registration) return "keep-replaced-worker-registration";
  if (hooks.route_ignores_predicate) return "route-ignores-predicate";
  if (hooks.defer_redelivers_twice) return "defer-redelivers-twice";
  if (hooks.redeliver_under_old_seq) return "redeliver-under-old-seq";
  return "none";
}

}  // namespace liminal::sim
