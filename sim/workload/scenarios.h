// The named workload families ("scenarios") and their seeded generators. Each family aims
// its clients, application calls and faults at one class of race in the supervisor:
//
//   spawn-crash        spawn vs first slice vs crash vs reap
//   orphan-reap        connections that die before (or while) they are tracked; reaping
//   push-vs-close      pushes and awaiters racing every close route
//   register-vs-close  worker registration (accepted, rejected, replaced) racing closes
//   shutdown-drain     notify, drain, force close and flush during live traffic
//   protocol-garbage   malformed, oversize, truncated frames, bad handshakes, chunked input
// and at the messaging guarantees users rely on (checked by the MessagingHistory):
//   pubsub-credit      ACKS and plain subscribers, Accept (late) / Defer / Reject, slow readers
//   fanout-shed        many subscribers on few channels; bursts shed the slow ones
//   conversations      request/reply on echo, slow and mute responders; close and reopen
//   worker-dispatch    workers (re-)registering for queues; worker.<queue> requests to them
//   routing            publishes to a routing rule's source; subscribers on source and target
//   mixed              all of the above at once
//
//   Workload w = GenerateWorkload("push-vs-close", seed);   // same seed, same workload
#ifndef LIMINAL_SIM_WORKLOAD_SCENARIOS_H_
#define LIMINAL_SIM_WORKLOAD_SCENARIOS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/workload/workload.h"

namespace liminal::sim {

// Every scenario name, in a fixed order.
std::vector<std::string> ScenarioNames();
bool IsScenario(std::string_view name);
// The families aimed at the messaging guarantees (pubsub-credit, fanout-shed,
// conversations, worker-dispatch, routing): bigger runs, real services only.
bool IsMessagingScenario(std::string_view name);

// nullopt for an unknown name.
std::optional<Workload> GenerateWorkload(std::string_view scenario, uint64_t seed);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_WORKLOAD_SCENARIOS_H_
