// RoutingTable: the live routing rules (server-behaviour.md §3). A message published to a
// rule's source channel that matches the rule's predicate (every message when it has none)
// is also published to the rule's target channel, under the target's own message id.
//
//   absl::StatusOr<RoutingTable> table = RoutingTable::Create(route_specs, channels);
//   for (const Route& route : table->From(source_channel)) {
//     if (route.predicate == nullptr || route.predicate->Matches(payload)) { ... }
//   }
//
// Loops are impossible by construction: a routed copy is never routed again (routing is one
// hop deep), so rules a -> b and b -> a are fine. Immutable after Create; thread-safe.
#ifndef LIMINAL_CORE_SERVER_SERVICES_ROUTING_TABLE_H_
#define LIMINAL_CORE_SERVER_SERVICES_ROUTING_TABLE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/server/services/pubsub/channel.h"
#include "core/server/services/pubsub/channel_registry.h"
#include "core/server/services/routing/message_predicate.h"

namespace liminal::server::services {

// One rule as configured (see services_options.h).
struct RouteSpec {
  std::string source;
  std::string target;
  std::shared_ptr<const MessagePredicate> predicate;  // null: every message
  std::string predicate_text;                         // for logs; empty when no predicate
};

struct Route {
  Channel* target = nullptr;
  std::shared_ptr<const MessagePredicate> predicate;  // null: every message
  std::string predicate_text;
};

class RoutingTable {
 public:
  RoutingTable() = default;
  // Fails when a rule names an unknown channel or routes a channel into itself.
  static absl::StatusOr<RoutingTable> Create(const std::vector<RouteSpec>& specs,
                                             const ChannelRegistry& channels);

  // The rules whose source is `source`, in configuration order.
  const std::vector<Route>& From(const Channel& source) const;
  size_t size() const { return size_; }

 private:
  std::vector<std::vector<Route>> by_source_;  // indexed by Channel::index()
  size_t size_ = 0;
};

// Publishes a copy of `envelope` (just published to `source`) to every rule target whose
// predicate matches and whose schema the payload satisfies. Copies are never routed again
// and carry no idempotency key; a durable target stores its copy before delivering it.
void PublishRoutedCopies(const RoutingTable& routes, const Channel& source,
                         const SharedEnvelope& envelope, absl::Time now, WakeList& wakes);

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_ROUTING_TABLE_H_
