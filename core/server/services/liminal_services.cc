#include "core/server/services/liminal_services.h"

#include <algorithm>
#include <utility>

#include "core/server/services/service_session.h"

namespace liminal::server::services {

absl::StatusOr<std::unique_ptr<LiminalServices>> LiminalServices::Create(runtime::Runtime& runtime,
                                                                         ServicesOptions options) {
  const ServiceMetrics metrics(options.metrics);
  for (ChannelSpec& channel : options.channels) {
    channel.storage.fault_ack_before_fsync = options.faults.ack_durable_before_fsync;
    channel.storage.report = options.storage_report;
    channel.fault_deliver_duplicates = options.faults.deliver_duplicate_publish;
  }
  absl::StatusOr<std::unique_ptr<ChannelRegistry>> channels =
      ChannelRegistry::Create(std::move(options.channels), runtime, options.dedup_window, metrics);
  if (!channels.ok()) return channels.status();
  if (options.faults.route_ignores_predicate) {  // planted bug (fault_hooks.h)
    for (RouteSpec& route : options.routes) route.predicate = nullptr;
  }
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
      runtime_(runtime),
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
          .worker_front_door = options.worker_front_door,
          .faults = options.faults} {
  for (size_t i = 0; i < channels_->size(); ++i) channels_->at(i).SetCommitObserver(this);
}

LiminalServices::~LiminalServices() = default;

std::unique_ptr<ConnectionSession> LiminalServices::OpenSession() {
  return std::make_unique<ServiceSession>(env_);
}

absl::Status LiminalServices::FlushDurableState() {
  absl::Status first_error;
  for (size_t i = 0; i < channels_->size(); ++i) {
    absl::Status flushed = channels_->at(i).Flush();
    if (first_error.ok()) first_error = std::move(flushed);
  }
  return first_error;
}

void LiminalServices::Committed(const Channel& channel, const SharedEnvelope& envelope,
                                WakeList& wakes) {
  PublishRoutedCopies(routes_, channel, envelope, runtime_.clock().Now(), wakes);
}

}  // namespace liminal::server::services
