#include "core/server/services/pubsub/channel_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::server::services {

absl::StatusOr<std::unique_ptr<ChannelRegistry>> ChannelRegistry::Create(
    std::vector<ChannelSpec> specs, runtime::Runtime& runtime, absl::Duration dedup_window,
    ServiceMetrics metrics) {
  std::unique_ptr<ChannelRegistry> registry(new ChannelRegistry());
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("channel #", i, " has an empty name"));
    }
    if (registry->by_name_.contains(specs[i].name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("channel '", specs[i].name, "' is configured twice"));
    }
    auto channel =
        std::make_shared<Channel>(std::move(specs[i]), i, runtime, dedup_window, metrics);
    if (absl::Status opened = channel->OpenLog(); !opened.ok()) return opened;
    registry->by_name_.emplace(channel->name(), channel.get());
    registry->channels_.push_back(std::move(channel));
  }
  return registry;
}

Channel* ChannelRegistry::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace liminal::server::services
