#include "core/config/env_overrides.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace liminal::config {
namespace {

// Parses `value` and stores it in the config; returns a message (without the variable's
// name) on failure.
using Setter = absl::Status (*)(absl::string_view value, ServerConfig& config);

struct Override {
  EnvOverrideInfo info;
  Setter set;
};

// Stores the parsed value in `out` only on success: a bad value leaves the file's value.
absl::Status ParseInteger(absl::string_view value, int64_t& out) {
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed)) {
    return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not an integer"));
  }
  out = parsed;
  return absl::OkStatus();
}

template <int64_t ServerConfig::*Member>
absl::Status SetInteger(absl::string_view value, ServerConfig& config) {
  return ParseInteger(value, config.*Member);
}

template <int64_t LimitsConfig::*Member>
absl::Status SetLimit(absl::string_view value, ServerConfig& config) {
  return ParseInteger(value, config.limits.*Member);
}

absl::Status ParseHostPortInto(absl::string_view value, HostPort& out) {
  absl::StatusOr<HostPort> parsed = ParseHostPort(value);
  if (!parsed.ok()) return parsed.status();
  out = *std::move(parsed);
  return absl::OkStatus();
}

template <HostPort ServerConfig::*Member>
absl::Status SetHostPort(absl::string_view value, ServerConfig& config) {
  return ParseHostPortInto(value, config.*Member);
}

absl::Status SetPersistencePath(absl::string_view value, ServerConfig& config) {
  config.persistence_path = std::string(value);
  return absl::OkStatus();
}

absl::Status SetLogFormat(absl::string_view value, ServerConfig& config) {
  absl::StatusOr<LogFormat> parsed = ParseLogFormat(value);
  if (!parsed.ok()) return parsed.status();
  config.log_format = *parsed;
  return absl::OkStatus();
}

absl::Status SetLogLevel(absl::string_view value, ServerConfig& config) {
  absl::StatusOr<LogLevel> parsed = ParseLogLevel(value);
  if (!parsed.ok()) return parsed.status();
  config.log_level = *parsed;
  return absl::OkStatus();
}

absl::Status SetAuthToken(absl::string_view value, ServerConfig& config) {
  config.auth.token = std::string(value);
  return absl::OkStatus();
}

absl::Status SetAuthTokens(absl::string_view value, ServerConfig& config) {
  std::vector<std::string> tokens;
  for (absl::string_view token : absl::StrSplit(value, ',')) {
    token = absl::StripAsciiWhitespace(token);
    if (token.empty()) {
      return absl::InvalidArgumentError("contains an empty token (expected tok1,tok2,...)");
    }
    tokens.emplace_back(token);
  }
  config.auth.tokens = std::move(tokens);
  config.auth.token_file.reset();
  return absl::OkStatus();
}

// The reference refuses a cluster variable when the file has no [cluster] section.
absl::StatusOr<ClusterConfig*> FileCluster(ServerConfig& config) {
  if (!config.cluster.has_value()) {
    return absl::InvalidArgumentError("is set but the configuration file has no [cluster] section");
  }
  return &*config.cluster;
}

absl::Status SetClusterNodeName(absl::string_view value, ServerConfig& config) {
  absl::StatusOr<ClusterConfig*> cluster = FileCluster(config);
  if (!cluster.ok()) return cluster.status();
  (*cluster)->node_name = std::string(value);
  return absl::OkStatus();
}

absl::Status SetClusterSeedNodes(absl::string_view value, ServerConfig& config) {
  absl::StatusOr<ClusterConfig*> cluster = FileCluster(config);
  if (!cluster.ok()) return cluster.status();
  std::vector<std::string> seeds;
  for (absl::string_view seed : absl::StrSplit(value, ',')) {
    seeds.emplace_back(absl::StripAsciiWhitespace(seed));
  }
  (*cluster)->seed_nodes = std::move(seeds);
  return absl::OkStatus();
}

absl::Status SetClusterListenAddress(absl::string_view value, ServerConfig& config) {
  absl::StatusOr<ClusterConfig*> cluster = FileCluster(config);
  if (!cluster.ok()) return cluster.status();
  HostPort address;
  if (absl::Status parsed = ParseHostPortInto(value, address); !parsed.ok()) return parsed;
  (*cluster)->listen_address = std::move(address);
  return absl::OkStatus();
}

absl::Status SetClusterCookie(absl::string_view value, ServerConfig& config) {
  absl::StatusOr<ClusterConfig*> cluster = FileCluster(config);
  if (!cluster.ok()) return cluster.status();
  (*cluster)->cookie = std::string(value);
  return absl::OkStatus();
}

// A [tls] variable creates the section when the file has none, so TLS can be switched on
// from the environment alone (validation then asks for both the certificate and the key).
TlsConfig& TlsSection(ServerConfig& config) {
  if (!config.tls.has_value()) config.tls.emplace();
  return *config.tls;
}

template <std::string TlsConfig::*Member>
absl::Status SetTlsPath(absl::string_view value, ServerConfig& config) {
  TlsSection(config).*Member = std::string(value);
  return absl::OkStatus();
}

absl::Status SetTlsCaFile(absl::string_view value, ServerConfig& config) {
  TlsSection(config).ca_file = std::string(value);
  return absl::OkStatus();
}

template <bool TlsConfig::*Member>
absl::Status SetTlsFlag(absl::string_view value, ServerConfig& config) {
  bool parsed = false;
  if (!absl::SimpleAtob(value, &parsed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", value, "' is not a boolean (true or false)"));
  }
  TlsSection(config).*Member = parsed;
  return absl::OkStatus();
}

constexpr std::array<Override, 32> kOverrides{{
    // The reference's variables.
    {{"LIMINAL_LISTEN_ADDRESS", "listen_address"}, &SetHostPort<&ServerConfig::listen_address>},
    {{"LIMINAL_HEALTH_LISTEN_ADDRESS", "health_listen_address"},
     &SetHostPort<&ServerConfig::health_listen_address>},
    {{"LIMINAL_DRAIN_TIMEOUT_MS", "drain_timeout_ms"},
     &SetInteger<&ServerConfig::drain_timeout_ms>},
    {{"LIMINAL_PERSISTENCE_PATH", "persistence_path"}, &SetPersistencePath},
    {{"LIMINAL_AUTH_TOKEN", "auth.token"}, &SetAuthToken},
    {{"LIMINAL_CLUSTER_NODE_NAME", "cluster.node_name"}, &SetClusterNodeName},
    {{"LIMINAL_CLUSTER_SEED_NODES", "cluster.seed_nodes"}, &SetClusterSeedNodes},
    {{"LIMINAL_CLUSTER_LISTEN_ADDRESS", "cluster.listen_address"}, &SetClusterListenAddress},
    {{"LIMINAL_CLUSTER_COOKIE", "cluster.cookie"}, &SetClusterCookie},
    // liminald's own.
    {{"LIMINAL_SCHEDULER_THREADS", "scheduler_threads"},
     &SetInteger<&ServerConfig::scheduler_threads>},
    {{"LIMINAL_LOG_FORMAT", "log_format"}, &SetLogFormat},
    {{"LIMINAL_LOG_LEVEL", "log_level"}, &SetLogLevel},
    {{"LIMINAL_AUTH_TOKENS", "auth.tokens"}, &SetAuthTokens},
    {{"LIMINAL_MAX_CONNECTIONS", "limits.max_connections"},
     &SetLimit<&LimitsConfig::max_connections>},
    {{"LIMINAL_MAX_SUBSCRIPTIONS_PER_CONNECTION", "limits.max_subscriptions_per_connection"},
     &SetLimit<&LimitsConfig::max_subscriptions_per_connection>},
    {{"LIMINAL_MAX_CONVERSATIONS_PER_CONNECTION", "limits.max_conversations_per_connection"},
     &SetLimit<&LimitsConfig::max_conversations_per_connection>},
    {{"LIMINAL_MAX_PENDING_PUSHES_PER_CONNECTION", "limits.max_pending_pushes_per_connection"},
     &SetLimit<&LimitsConfig::max_pending_pushes_per_connection>},
    {{"LIMINAL_MAX_PENDING_CONVERSATION_REPLIES_PER_CONNECTION",
      "limits.max_pending_conversation_replies_per_connection"},
     &SetLimit<&LimitsConfig::max_pending_conversation_replies_per_connection>},
    {{"LIMINAL_MAX_PENDING_REPLIES_PER_CONVERSATION",
      "limits.max_pending_replies_per_conversation"},
     &SetLimit<&LimitsConfig::max_pending_replies_per_conversation>},
    {{"LIMINAL_MAX_CONNECTION_INBOX_BYTES", "limits.max_connection_inbox_bytes"},
     &SetLimit<&LimitsConfig::max_connection_inbox_bytes>},
    {{"LIMINAL_MAX_SUBSCRIPTION_INBOX_DEPTH", "limits.max_subscription_inbox_depth"},
     &SetLimit<&LimitsConfig::max_subscription_inbox_depth>},
    {{"LIMINAL_MAX_FRAME_BYTES", "limits.max_frame_bytes"},
     &SetLimit<&LimitsConfig::max_frame_bytes>},
    {{"LIMINAL_MAX_OUTBOUND_BYTES", "limits.max_outbound_bytes"},
     &SetLimit<&LimitsConfig::max_outbound_bytes>},
    {{"LIMINAL_HANDSHAKE_TIMEOUT_MS", "limits.handshake_timeout_ms"},
     &SetLimit<&LimitsConfig::handshake_timeout_ms>},
    {{"LIMINAL_IDLE_TIMEOUT_MS", "limits.idle_timeout_ms"},
     &SetLimit<&LimitsConfig::idle_timeout_ms>},
    {{"LIMINAL_CONVERSATION_REPLY_TIMEOUT_MS", "limits.conversation_reply_timeout_ms"},
     &SetLimit<&LimitsConfig::conversation_reply_timeout_ms>},
    {{"LIMINAL_DEDUP_WINDOW_MS", "limits.dedup_window_ms"},
     &SetLimit<&LimitsConfig::dedup_window_ms>},
    {{"LIMINAL_TLS_CERT_FILE", "tls.cert_file"}, &SetTlsPath<&TlsConfig::cert_file>},
    {{"LIMINAL_TLS_KEY_FILE", "tls.key_file"}, &SetTlsPath<&TlsConfig::key_file>},
    {{"LIMINAL_TLS_CA_FILE", "tls.ca_file"}, &SetTlsCaFile},
    {{"LIMINAL_TLS_REQUIRE_CLIENT_CERT", "tls.require_client_cert"},
     &SetTlsFlag<&TlsConfig::require_client_cert>},
    {{"LIMINAL_TLS_HEALTH", "tls.health"}, &SetTlsFlag<&TlsConfig::health>},
}};

constexpr std::array<EnvOverrideInfo, kOverrides.size()> MakeInfos() {
  std::array<EnvOverrideInfo, kOverrides.size()> infos{};
  for (size_t i = 0; i < kOverrides.size(); ++i) infos[i] = kOverrides[i].info;
  return infos;
}
constexpr std::array<EnvOverrideInfo, kOverrides.size()> kInfos = MakeInfos();

}  // namespace

absl::Span<const EnvOverrideInfo> EnvOverrides() { return kInfos; }

void ApplyEnvOverrides(const EnvironmentMap& env, ServerConfig& config, ConfigErrors& errors) {
  for (const Override& entry : kOverrides) {
    auto it = env.find(entry.info.variable);
    if (it == env.end()) continue;
    const absl::string_view value = absl::StripAsciiWhitespace(it->second);
    absl::Status status =
        value.empty() ? absl::InvalidArgumentError("is empty (unset it to keep the file's value)")
                      : entry.set(value, config);
    if (!status.ok()) {
      errors.Add(entry.info.variable,
                 absl::StrCat(status.message(), " (overrides ", entry.info.key, ")"));
    }
  }
}

std::vector<std::string> UnknownEnvOverrides(const EnvironmentMap& env) {
  std::vector<std::string> unknown;
  for (const auto& [name, value] : env) {
    if (!absl::StartsWith(name, "LIMINAL_")) continue;
    bool known = false;
    for (const Override& entry : kOverrides) known = known || entry.info.variable == name;
    if (!known) unknown.push_back(name);
  }
  return unknown;
}

}  // namespace liminal::config
