#include "core/config/validate.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/auth/permissions.h"

namespace liminal::config {
namespace {

constexpr int64_t kMaxSchedulerThreads = 1024;
constexpr int64_t kMinFrameBytes = 1024;
constexpr int64_t kMaxFrameBytes = int64_t{1} << 30;

void CheckListener(absl::string_view key, const HostPort& address, ConfigErrors& errors) {
  if (address.host.empty()) errors.Add(key, "host must not be empty");
  if (address.port == 0) {
    errors.Add(key, absl::StrCat("port must be non-zero, got '", address.ToString(), "'"));
  }
}

void CheckAtLeast(absl::string_view key, int64_t value, int64_t minimum, ConfigErrors& errors,
                  absl::string_view note = "") {
  if (value < minimum) {
    errors.Add(key, absl::StrCat("must be >= ", minimum, note, ", got ", value));
  }
}

void CheckNotBlank(absl::string_view key, const std::optional<std::string>& value,
                   absl::string_view hint, ConfigErrors& errors) {
  if (value.has_value() && absl::StripAsciiWhitespace(*value).empty()) {
    errors.Add(key, absl::StrCat("must not be empty (", hint, ")"));
  }
}

void CheckChannels(const ServerConfig& config, ConfigErrors& errors) {
  absl::btree_map<absl::string_view, size_t> first_use;  // trimmed name -> index
  for (size_t i = 0; i < config.channels.size(); ++i) {
    const ChannelConfig& channel = config.channels[i];
    const std::string key = absl::StrCat("channels[", i, "]");
    const absl::string_view name = absl::StripAsciiWhitespace(channel.name);
    if (name.empty()) {
      errors.Add(key + ".name", "must not be empty");
    } else if (auto [it, inserted] = first_use.emplace(name, i); !inserted) {
      errors.Add(key + ".name",
                 absl::StrCat("'", name, "' is already used by channels[", it->second, "]"));
    }
    if (channel.durable && !config.persistence_path.has_value()) {
      errors.Add(key + ".durable",
                 absl::StrCat("channel '", name, "' is durable but persistence_path is not set"));
    }
    CheckNotBlank(key + ".schema_ref", channel.schema_ref, "omit it for a channel without a schema",
                  errors);
    CheckAtLeast(key + ".retention.max_messages", channel.retention.max_messages, 0, errors,
                 " (0 = unlimited)");
    CheckAtLeast(key + ".retention.max_bytes", channel.retention.max_bytes, 0, errors,
                 " (0 = unlimited)");
    CheckAtLeast(key + ".retention.max_age_ms", channel.retention.max_age_ms, 0, errors,
                 " (0 = unlimited)");
    CheckAtLeast(key + ".fsync_interval_ms", channel.fsync_interval_ms, 1, errors, "");
    CheckAtLeast(key + ".segment_bytes", channel.segment_bytes, 4096, errors, "");
  }
}

void CheckRoutingRules(const ServerConfig& config, ConfigErrors& errors) {
  absl::btree_set<absl::string_view> known;
  for (const ChannelConfig& channel : config.channels) {
    known.insert(absl::StripAsciiWhitespace(channel.name));
  }
  for (size_t i = 0; i < config.routing_rules.size(); ++i) {
    const RoutingRuleConfig& rule = config.routing_rules[i];
    const std::string key = absl::StrCat("routing_rules[", i, "]");
    auto check_endpoint = [&](absl::string_view field, absl::string_view channel) {
      if (channel.empty()) {
        errors.Add(absl::StrCat(key, ".", field), "must name a channel");
        return false;
      }
      if (!known.contains(channel)) {
        errors.Add(absl::StrCat(key, ".", field),
                   absl::StrCat("unknown channel '", channel, "' (not in [[channels]])"));
        return false;
      }
      return true;
    };
    const absl::string_view source = absl::StripAsciiWhitespace(rule.source_channel);
    const absl::string_view target = absl::StripAsciiWhitespace(rule.target_channel);
    const bool source_known = check_endpoint("source_channel", source);
    const bool target_known = check_endpoint("target_channel", target);
    if (source_known && target_known && source == target) {
      errors.Add(key, absl::StrCat("source and target are both '", source,
                                   "'; a rule cannot route a channel into itself"));
    }
    CheckNotBlank(key + ".predicate", rule.predicate, "omit it to route every message", errors);
  }
}

void CheckLimits(const LimitsConfig& limits, ConfigErrors& errors) {
  const std::pair<absl::string_view, int64_t> positive[] = {
      {"max_connections", limits.max_connections},
      {"max_subscriptions_per_connection", limits.max_subscriptions_per_connection},
      {"max_conversations_per_connection", limits.max_conversations_per_connection},
      {"max_pending_pushes_per_connection", limits.max_pending_pushes_per_connection},
      {"max_pending_conversation_replies_per_connection",
       limits.max_pending_conversation_replies_per_connection},
      {"max_pending_replies_per_conversation", limits.max_pending_replies_per_conversation},
      {"max_connection_inbox_bytes", limits.max_connection_inbox_bytes},
      {"max_subscription_inbox_depth", limits.max_subscription_inbox_depth},
      {"handshake_timeout_ms", limits.handshake_timeout_ms},
      {"conversation_reply_timeout_ms", limits.conversation_reply_timeout_ms},
      {"dedup_window_ms", limits.dedup_window_ms},
  };
  for (const auto& [key, value] : positive) {
    CheckAtLeast(absl::StrCat("limits.", key), value, 1, errors);
  }
  CheckAtLeast("limits.idle_timeout_ms", limits.idle_timeout_ms, 0, errors, " (0 = disabled)");
  if (limits.max_frame_bytes < kMinFrameBytes || limits.max_frame_bytes > kMaxFrameBytes) {
    errors.Add("limits.max_frame_bytes",
               absl::StrCat("must be between ", kMinFrameBytes, " and ", kMaxFrameBytes, ", got ",
                            limits.max_frame_bytes));
  }
  if (limits.max_outbound_bytes < limits.max_frame_bytes) {
    errors.Add("limits.max_outbound_bytes",
               absl::StrCat("must be >= limits.max_frame_bytes (", limits.max_frame_bytes,
                            ") so one frame always fits, got ", limits.max_outbound_bytes));
  }
}

// [[auth.users]]: every user needs a unique name, its own non-empty token (shared with no
// other user and no shared token: a token is the identity) and valid patterns. Messages never
// quote a token, since they end up in logs.
void CheckAuthUsers(const AuthConfig& auth, ConfigErrors& errors) {
  absl::btree_set<std::string> shared;
  for (std::string& token : auth.AcceptedTokens()) shared.insert(std::move(token));
  absl::btree_map<absl::string_view, size_t> names;   // trimmed name -> index
  absl::btree_map<absl::string_view, size_t> tokens;  // token -> index
  for (size_t i = 0; i < auth.users.size(); ++i) {
    const AuthUserConfig& user = auth.users[i];
    const std::string key = absl::StrCat("auth.users[", i, "]");
    const absl::string_view name = absl::StripAsciiWhitespace(user.name);
    if (name.empty()) {
      errors.Add(key + ".name", "must not be empty (it names the user in logs and metrics)");
    } else if (auto [it, inserted] = names.emplace(name, i); !inserted) {
      errors.Add(key + ".name",
                 absl::StrCat("'", name, "' is already used by auth.users[", it->second, "]"));
    }
    CheckNotBlank(key + ".token_file", user.token_file, "name the file that holds the token",
                  errors);
    if (!user.token.has_value()) {
      if (!user.token_file.has_value()) {
        errors.Add(key + ".token",
                   absl::StrCat("is missing: user '", name,
                                "' needs a token of its own (token or token_file)"));
      }
    } else if (user.token->empty()) {
      errors.Add(key + ".token", "must not be empty");
    } else if (shared.contains(*user.token)) {
      errors.Add(key + ".token",
                 absl::StrCat("user '", name,
                              "' has the same token as a shared token (auth.token, auth.tokens or "
                              "auth.token_file), which permits everything; give the user a token "
                              "of its own"));
    } else if (auto [it, inserted] = tokens.emplace(*user.token, i); !inserted) {
      errors.Add(key + ".token",
                 absl::StrCat("user '", name, "' has the same token as auth.users[", it->second,
                              "]; every user needs a token of its own"));
    }
    const auth::PermissionPatterns patterns{.publish = user.publish,
                                            .subscribe = user.subscribe,
                                            .request = user.request,
                                            .respond = user.respond};
    for (auth::Operation op : auth::kAllOperations) {
      const std::vector<std::string>& texts = patterns.Of(op);
      const std::string_view op_name = auth::OperationName(op);
      for (size_t j = 0; j < texts.size(); ++j) {
        absl::StatusOr<auth::SubjectPattern> pattern = auth::SubjectPattern::Parse(texts[j]);
        if (!pattern.ok()) {
          errors.Add(absl::StrCat(key, ".", absl::string_view(op_name.data(), op_name.size()), "[",
                                  j, "]"),
                     absl::StrCat(pattern.status().message(),
                                  " (patterns are channel names or subjects with the wildcards "
                                  "'*' for one dot-separated token and a final '>' for the rest)"));
        }
      }
    }
  }
}

// [cluster] is checked field by field, so a reference file gets precise answers, and then
// refused as a whole: liminald runs standalone until it clusters.
void CheckCluster(const ClusterConfig& cluster, ConfigErrors& errors) {
  if (absl::StripAsciiWhitespace(cluster.node_name).empty()) {
    errors.Add("cluster.node_name", "must not be empty");
  }
  if (cluster.listen_address.has_value()) {
    CheckListener("cluster.listen_address", *cluster.listen_address, errors);
  }
  for (size_t i = 0; i < cluster.seed_nodes.size(); ++i) {
    if (absl::StripAsciiWhitespace(cluster.seed_nodes[i]).empty()) {
      errors.Add(absl::StrCat("cluster.seed_nodes[", i, "]"), "must not be empty");
    }
  }
  if (cluster.cookie.empty()) errors.Add("cluster.cookie", "must not be empty");
  errors.Add("cluster",
             "liminald does not support clustering yet (the reference's [cluster] section, "
             "beamr distribution, has no liminald equivalent); remove the [cluster] section and "
             "the LIMINAL_CLUSTER_* variables to run this node standalone");
}

void CheckTls(const TlsConfig& tls, ConfigErrors& errors) {
  if (absl::StripAsciiWhitespace(tls.cert_file).empty()) {
    errors.Add("tls.cert_file",
               "is required: the certificate chain (PEM) the listener presents (omit [tls] to "
               "serve plaintext)");
  }
  if (absl::StripAsciiWhitespace(tls.key_file).empty()) {
    errors.Add("tls.key_file", "is required: the private key (PEM) of tls.cert_file");
  }
  CheckNotBlank("tls.ca_file", tls.ca_file, "omit it when clients need no certificate", errors);
  if (tls.require_client_cert && !tls.ca_file.has_value()) {
    errors.Add("tls.require_client_cert",
               "needs tls.ca_file: the CA certificates that client certificates must chain to");
  }
}

}  // namespace

void ValidateInto(const ServerConfig& config, ConfigErrors& errors) {
  CheckListener("listen_address", config.listen_address, errors);
  CheckListener("health_listen_address", config.health_listen_address, errors);
  if (config.listen_address.port != 0 &&
      config.listen_address.port == config.health_listen_address.port) {
    errors.Add("health_listen_address",
               absl::StrCat("port ", config.health_listen_address.port,
                            " is also the listen_address port; the two listeners need different "
                            "ports"));
  }

  if (config.scheduler_threads < 0 || config.scheduler_threads > kMaxSchedulerThreads) {
    errors.Add("scheduler_threads",
               absl::StrCat("must be between 0 (one per core) and ", kMaxSchedulerThreads, ", got ",
                            config.scheduler_threads));
  }
  CheckAtLeast("drain_timeout_ms", config.drain_timeout_ms, 1, errors);
  CheckNotBlank("persistence_path", config.persistence_path, "omit it when no channel is durable",
                errors);
  CheckLimits(config.limits, errors);

  if (config.auth.token.has_value() && config.auth.token->empty()) {
    errors.Add("auth.token", "must not be empty (omit [auth] to accept every client)");
  }
  for (size_t i = 0; i < config.auth.tokens.size(); ++i) {
    if (config.auth.tokens[i].empty()) {
      errors.Add(absl::StrCat("auth.tokens[", i, "]"), "must not be empty");
    }
  }
  CheckNotBlank("auth.token_file", config.auth.token_file, "omit it to use only auth.tokens",
                errors);
  CheckAuthUsers(config.auth, errors);

  CheckChannels(config, errors);
  CheckRoutingRules(config, errors);
  if (config.cluster.has_value()) CheckCluster(*config.cluster, errors);
  if (config.tls.has_value()) CheckTls(*config.tls, errors);
}

absl::Status Validate(const ServerConfig& config) {
  ConfigErrors errors;
  ValidateInto(config, errors);
  return errors.ToStatus();
}

}  // namespace liminal::config
