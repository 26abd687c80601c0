#include "sim/harness/planted_fault.h"

namespace liminal::sim {

std::vector<std::string> PlantedFaultNames() {
  return {"skip-reply-slot-cancel-on-close", "skip-post-insert-liveness-check",
          "skip-control-rollback",           "unregister-rejected-registrations",
          "ack-durable-before-fsync",        "unbounded-connection-inbox",
          "resolve-reply-from-any-connection", "notify-subscribers-only",
          "cancel-reports-timeout"};
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
  return "none";
}

}  // namespace liminal::sim
