#include "core/server/services/services_config.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/config/config_errors.h"
#include "core/protocol/schema_id.h"
#include "core/server/services/routing/predicate_parser.h"
#include "core/storage/channel_directory.h"

namespace liminal::server::services {
namespace {

size_t ToSize(int64_t value) { return value < 0 ? 0 : static_cast<size_t>(value); }

std::string Trimmed(const std::string& text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

}  // namespace

absl::StatusOr<ServicesOptions> ServicesOptionsFromConfig(const config::ServerConfig& config,
                                                          const ServicesBackend& backend,
                                                          metrics::ServerMetrics* metrics) {
  config::ConfigErrors errors;
  ServicesOptions options;
  options.metrics = metrics;
  const config::LimitsConfig& limits = config.limits;
  options.dedup_window = absl::Milliseconds(limits.dedup_window_ms);
  options.conversation_reply_timeout = absl::Milliseconds(limits.conversation_reply_timeout_ms);
  options.max_subscriptions_per_connection = ToSize(limits.max_subscriptions_per_connection);
  options.max_conversations_per_connection = ToSize(limits.max_conversations_per_connection);
  options.max_pending_replies_per_conversation =
      ToSize(limits.max_pending_replies_per_conversation);
  options.max_pending_conversation_replies_per_connection =
      ToSize(limits.max_pending_conversation_replies_per_connection);
  options.max_subscription_inbox_depth = ToSize(limits.max_subscription_inbox_depth);
  options.worker_front_door = config.services.profile == config::ServicesProfile::kWorkerFrontDoor;

  for (size_t i = 0; i < config.channels.size(); ++i) {
    const config::ChannelConfig& channel = config.channels[i];
    ChannelSpec spec;
    spec.name = Trimmed(channel.name);
    spec.durable = channel.durable;
    if (channel.durable && config.persistence_path.has_value()) {
      spec.storage.directory = storage::ChannelDirectory(*config.persistence_path, spec.name);
      spec.storage.fsync = channel.fsync;
      spec.storage.fsync_interval = absl::Milliseconds(channel.fsync_interval_ms);
      spec.storage.segment_bytes = static_cast<uint64_t>(channel.segment_bytes);
      spec.storage.retention = {
          .max_messages = static_cast<uint64_t>(channel.retention.max_messages),
          .max_bytes = static_cast<uint64_t>(channel.retention.max_bytes),
          .max_age = absl::Milliseconds(channel.retention.max_age_ms)};
    }
    spec.schema_id = protocol::SchemaIdOf(channel.schema_ref.has_value()
                                              ? std::string_view(channel.schema_document)
                                              : protocol::kNoSchemaDocument);
    absl::StatusOr<std::shared_ptr<const PayloadValidator>> validator =
        backend.CompileSchema(channel);
    if (validator.ok()) {
      spec.validator = *std::move(validator);
    } else {
      errors.Add(absl::StrCat("channels[", i, "].schema_ref"),
                 absl::StrCat("channel '", spec.name, "': ", validator.status().message()));
    }
    options.channels.push_back(std::move(spec));
  }

  for (size_t i = 0; i < config.routing_rules.size(); ++i) {
    const config::RoutingRuleConfig& rule = config.routing_rules[i];
    RouteSpec route;
    route.source = Trimmed(rule.source_channel);
    route.target = Trimmed(rule.target_channel);
    if (rule.predicate.has_value()) {
      route.predicate_text = *rule.predicate;
      const std::string key = absl::StrCat("routing_rules[", i, "].predicate");
      absl::StatusOr<PredicateExpr> expr = ParsePredicate(*rule.predicate);
      if (!expr.ok()) {
        errors.Add(key, expr.status().message());
      } else if (absl::StatusOr<std::shared_ptr<const MessagePredicate>> predicate =
                     backend.CompilePredicate(*expr);
                 !predicate.ok()) {
        errors.Add(key, predicate.status().message());
      } else {
        route.predicate = *std::move(predicate);
      }
    }
    options.routes.push_back(std::move(route));
  }

  if (!errors.empty()) return errors.ToStatus();
  return options;
}

}  // namespace liminal::server::services
