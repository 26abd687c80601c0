#include "core/server/services/routing/routing_table.h"

#include "absl/strings/str_cat.h"

namespace liminal::server::services {

absl::StatusOr<RoutingTable> RoutingTable::Create(const std::vector<RouteSpec>& specs,
                                                  const ChannelRegistry& channels) {
  RoutingTable table;
  table.by_source_.resize(channels.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    const RouteSpec& spec = specs[i];
    Channel* source = channels.Find(spec.source);
    Channel* target = channels.Find(spec.target);
    if (source == nullptr || target == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("routing rule #", i, " names unknown channel '",
                       source == nullptr ? spec.source : spec.target, "'"));
    }
    if (source == target) {
      return absl::InvalidArgumentError(
          absl::StrCat("routing rule #", i, " routes channel '", spec.source, "' into itself"));
    }
    table.by_source_[source->index()].push_back(Route{target, spec.predicate, spec.predicate_text});
    ++table.size_;
  }
  return table;
}

const std::vector<Route>& RoutingTable::From(const Channel& source) const {
  static const std::vector<Route>* const kNone = new std::vector<Route>();
  return source.index() < by_source_.size() ? by_source_[source.index()] : *kNone;
}

void PublishRoutedCopies(const RoutingTable& routes, const Channel& source,
                         const SharedEnvelope& envelope, absl::Time now, WakeList& wakes) {
  for (const Route& route : routes.From(source)) {
    if (route.predicate != nullptr && !route.predicate->Matches(envelope->payload)) continue;
    // The target's schema still holds for what its subscribers receive.
    if (!route.target->ValidatePayload(envelope->payload).ok()) continue;
    route.target->Publish(envelope, std::nullopt, now, wakes);
  }
}

}  // namespace liminal::server::services
