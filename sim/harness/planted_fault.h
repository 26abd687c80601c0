// The planted bugs of core/server/fault_hooks.h by name, for `liminal-sim --fault <name>`
// and the tests that prove the harness catches each race class:
//
//   skip-reply-slot-cancel-on-close    → reply-slot-accounting
//   skip-post-insert-liveness-check    → records-match-processes
//   skip-control-rollback              → control-accounting
//   unregister-rejected-registrations  → unregister-once
//   ack-durable-before-fsync           → acknowledged-survive-crash (durable-crash)
//   unbounded-connection-inbox         → inbox-bound (inbox-flood)
//   resolve-reply-from-any-connection  → reply-slot-accounting (the replying connection)
//   notify-subscribers-only            → shutdown-notice-reaches-all
//   cancel-reports-timeout           → timeout-means-alive
// and the messaging bugs, caught by the MessagingHistory:
//   credit-off-by-one                  → credit
//   deliver-duplicate-publish          → duplicates
//   lose-subscriber-wake               → liveness
//   keep-subscriptions-on-close        → delivered-flag
//   reply-to-newest-request            → conversations
//   keep-replaced-worker-registration  → worker-dispatch
//   route-ignores-predicate            → routing
//   defer-redelivers-twice             → no-phantom-messages
//   redeliver-under-old-seq            → delivery-seq
#ifndef LIMINAL_SIM_HARNESS_PLANTED_FAULT_H_
#define LIMINAL_SIM_HARNESS_PLANTED_FAULT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/server/fault_hooks.h"

namespace liminal::sim {

// Every planted fault's name (without "none").
std::vector<std::string> PlantedFaultNames();
// "none" gives all-false hooks; nullopt for an unknown name.
std::optional<server::FaultHooks> ParsePlantedFault(std::string_view name);
// The name of the (first) enabled fault, or "none".
std::string PlantedFaultName(const server::FaultHooks& hooks);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_HARNESS_PLANTED_FAULT_H_
