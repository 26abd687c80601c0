// SessionEnvironment: the server-wide state every ServiceSession works against (channels,
// routes, responders, the runtime, limits, metrics). Owned by LiminalServices, which must
// outlive its sessions; sessions only read it.
#ifndef LIMINAL_CORE_SERVER_SERVICES_SESSION_ENVIRONMENT_H_
#define LIMINAL_CORE_SERVER_SERVICES_SESSION_ENVIRONMENT_H_

#include <cstddef>

#include "absl/time/time.h"
#include "core/runtime/runtime.h"
#include "core/server/fault_hooks.h"
#include "core/server/services/conversations/responder_registry.h"
#include "core/server/services/pubsub/channel_registry.h"
#include "core/server/services/routing/routing_table.h"
#include "core/server/services/service_metrics.h"

namespace liminal::server::services {

struct SessionEnvironment {
  runtime::Runtime& runtime;
  const ChannelRegistry& channels;
  const RoutingTable& routes;
  const ResponderRegistry& responders;
  ServiceMetrics metrics;
  absl::Duration conversation_reply_timeout;
  size_t max_subscriptions_per_connection;                 // 0: unlimited
  size_t max_conversations_per_connection;                 // 0: unlimited
  size_t max_pending_replies_per_conversation;             // 0: unlimited
  size_t max_pending_conversation_replies_per_connection;  // 0: unlimited
  size_t max_subscription_inbox_depth;
  bool worker_front_door;
  FaultHooks faults;  // planted bugs for the simulation (fault_hooks.h); all off normally
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SESSION_ENVIRONMENT_H_
