#include "core/server/services/liminal_services.h"

#include <algorithm>
#include <utility>

#include "core/server/services/service_session.h"

namespace liminal::server::services {

absl::StatusOr<std::unique_ptr<LiminalServices>> LiminalServices::Create(runtime::Runtime& runtime,
                                                                         ServicesOptions options) {
  const ServiceMetrics metrics(options.metrics);
  absl::StatusOr<std::unique_ptr<ChannelRegistry>> channels =
      ChannelRegistry::Create(std::move(options.channels), runtime, options.dedup_window, metrics);
  if (!channels.ok()) return channels.status();
  absl::StatusOr<RoutingTable> routes = RoutingTable::Create(options.routes, **channels);
  if (!routes.ok()) return routes.status();
  return std::unique_ptr<LiminalServices>(
      new LiminalServices(runtime, options, *std::move(channels), *std::move(routes)));
}

LiminalServices::LiminalServices(runtime::Runtime& runtime, const ServicesOptions& options,
                                 std::unique_ptr<ChannelRegistry> channels, RoutingTable routes)
    : channels_(std::move(channels)),
      routes_(std::move(routes)),
      responders_(std::make_unique<ResponderRegistry>(runtime.NewMutex())),
      env_{
          .runtime = runtime,
          .channels = *channels_,
          .routes = routes_,
          .responders = *responders_,
          .metrics = ServiceMetrics(options.metrics),
          .conversation_reply_timeout = options.conversation_reply_timeout,
          .max_subscriptions_per_connection = options.max_subscriptions_per_connection,
          .max_conversations_per_connection = options.max_conversations_per_connection,
          .max_pending_replies_per_conversation = options.max_pending_replies_per_conversation,
          .max_pending_conversation_replies_per_connection =
              options.max_pending_conversation_replies_per_connection,
          .max_subscription_inbox_depth = std::max<size_t>(options.max_subscription_inbox_depth, 1),
          .worker_front_door = options.worker_front_door} {}

LiminalServices::~LiminalServices() = default;

std::unique_ptr<ConnectionSession> LiminalServices::OpenSession() {
  return std::make_unique<ServiceSession>(env_);
}

}  // namespace liminal::server::services
