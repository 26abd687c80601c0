// ServicesOptions: everything LiminalServices (liminal_services.h) needs, already compiled:
// the channels with their schema ids and validators, the routing rules with their
// predicates, the limits and the metrics. The daemon builds it from config::ServerConfig with
// ServicesOptionsFromConfig (services_config.h); tests and embedding applications may fill
// it by hand.
//
//   ServicesOptions options;
//   options.channels.push_back({.name = "orders", .schema_id = id, .validator = v});
//   options.routes.push_back({.source = "orders", .target = "audit"});
//   options.metrics = &server_metrics;
#ifndef LIMINAL_CORE_SERVER_SERVICES_SERVICES_OPTIONS_H_
#define LIMINAL_CORE_SERVER_SERVICES_SERVICES_OPTIONS_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/metrics/server_metrics.h"
#include "core/server/fault_hooks.h"
#include "core/server/services/pubsub/channel.h"
#include "core/server/services/routing/routing_table.h"

namespace liminal::server::services {

struct ServicesOptions {
  std::vector<ChannelSpec> channels;
  std::vector<RouteSpec> routes;
  absl::Duration dedup_window = absl::Minutes(5);                // dedup_window_ms
  absl::Duration conversation_reply_timeout = absl::Seconds(5);  // conversation_reply_timeout_ms
  size_t max_subscriptions_per_connection = 1024;                // 0: unlimited
  size_t max_conversations_per_connection = 0;                   // 0: unlimited
  size_t max_pending_replies_per_conversation = 0;               // 0: unlimited
  size_t max_pending_conversation_replies_per_connection = 0;    // 0: unlimited
  size_t max_subscription_inbox_depth = 1024;                    // per subscription, >= 1
  // [services] profile "worker-front-door": only worker.<queue> conversations are served;
  // Publish and Subscribe are refused.
  bool worker_front_door = false;
  metrics::ServerMetrics* metrics = nullptr;  // null: not counted
  FaultHooks faults;  // planted bugs for the simulation (fault_hooks.h); all off normally
  // Durable logs' failures and recoveries, for the operator's log (null: not reported).
  // Called with a channel's lock held: it must not call back into the services.
  std::function<void(const std::string&)> storage_report;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SERVICES_OPTIONS_H_
