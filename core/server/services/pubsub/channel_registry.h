// ChannelRegistry: the server's configured channels, created once at startup and fixed for
// the server's life (channels are static, server-behaviour.md §2). Lookups take no lock.
//
//   absl::StatusOr<std::unique_ptr<ChannelRegistry>> channels =
//       ChannelRegistry::Create(std::move(specs), runtime, absl::Minutes(5), metrics);
//   if (Channel* orders = (*channels)->Find("orders")) { ... }
//
// Thread-safe (the channels guard their own mutable state).
#ifndef LIMINAL_CORE_SERVER_SERVICES_CHANNEL_REGISTRY_H_
#define LIMINAL_CORE_SERVER_SERVICES_CHANNEL_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/runtime/runtime.h"
#include "core/server/services/pubsub/channel.h"
#include "core/server/services/service_metrics.h"

namespace liminal::server::services {

class ChannelRegistry {
 public:
  // Fails on an empty or duplicate channel name, or a durable channel whose log cannot be
  // opened (the status names the channel and the file).
  static absl::StatusOr<std::unique_ptr<ChannelRegistry>> Create(std::vector<ChannelSpec> specs,
                                                                 runtime::Runtime& runtime,
                                                                 absl::Duration dedup_window,
                                                                 ServiceMetrics metrics);

  // Null when no channel has that exact name.
  Channel* Find(std::string_view name) const;
  size_t size() const { return channels_.size(); }
  // In configuration order.
  Channel& at(size_t index) const { return *channels_.at(index); }

 private:
  ChannelRegistry() = default;

  // Shared: a channel's timers and blocking work hold it weakly (Channel::WhileAlive).
  std::vector<std::shared_ptr<Channel>> channels_;
  absl::btree_map<std::string, Channel*, std::less<>> by_name_;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_CHANNEL_REGISTRY_H_
