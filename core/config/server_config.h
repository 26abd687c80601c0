// ServerConfig: the typed model of liminald's TOML configuration, one member per key, each
// initialised to its documented default. The model is plain data; it is filled by the
// daemon's loader (daemon/config_loader.h: TOML file, then LIMINAL_* environment, then
// command-line flags) and checked with Validate() (validate.h).
//
//   config::ServerConfig c;                        // every default
//   c.channels.push_back({.name = "orders", .schema_ref = "orders-v1"});
//   absl::Status s = config::Validate(c);          // all errors, joined
//
// Numeric keys are int64_t (TOML integers) so that Validate(), not the loader, owns every
// range rule; read them after validation. Paths are absolute once the loader has resolved
// them against the config file's directory. Every member has an initializer, so designated
// initializers may name any subset: ChannelConfig{.name = "orders", .durable = true}.
#ifndef LIMINAL_CORE_CONFIG_SERVER_CONFIG_H_
#define LIMINAL_CORE_CONFIG_SERVER_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/config/host_port.h"

namespace liminal::config {

// log_format: "text" (human-readable lines) or "json" (one JSON object per line).
enum class LogFormat { kText, kJson };

// log_level: "trace", "debug", "info", "warn", "error", "critical" or "off".
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kCritical, kOff };

// channels[].fsync: when a durable channel's log is fsync'ed.
//   "always": before every PublishAck;  "group": group commit (batched, the default);
//   "never": left to the OS page cache.
enum class FsyncPolicy { kAlways, kGroup, kNever };

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view text);
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view text);
absl::StatusOr<FsyncPolicy> ParseFsyncPolicy(absl::string_view text);
absl::string_view LogFormatName(LogFormat format);
absl::string_view LogLevelName(LogLevel level);
absl::string_view FsyncPolicyName(FsyncPolicy policy);

// channels[].retention: limits on what a durable channel keeps on disk. 0 = unlimited.
struct RetentionConfig {
  int64_t max_messages = 0;
  int64_t max_bytes = 0;
  int64_t max_age_ms = 0;
};

// One [[channels]] entry.
struct ChannelConfig {
  std::string name{};        // trimmed by the loader; non-empty and unique
  bool durable = false;      // durable channels need persistence_path
  std::string schema_ref{};  // free text; hashed into the schema id when there is no schema file
  std::optional<std::string> schema{};  // path of a JSON Schema file (absolute after loading)
  std::string schema_document{};        // that file's bytes, read by the loader ("" if none)
  RetentionConfig retention{};
  FsyncPolicy fsync = FsyncPolicy::kGroup;
};

// One [[routing_rules]] entry: messages published to `source` that match `predicate` (all
// messages when absent) are also published to `target`. The predicate is carried as text and
// compiled by the routing service.
struct RoutingRuleConfig {
  std::string source{};
  std::string target{};
  std::optional<std::string> predicate{};
};

// [auth]. With no tokens configured every Connect token is accepted.
struct AuthConfig {
  // The accepted tokens: the inline `tokens` array, plus (after loading) one token per
  // non-blank, non-'#' line of `token_file`.
  std::vector<std::string> tokens{};
  std::optional<std::string> token_file{};  // absolute after loading
};

struct ServerConfig {
  // Network.
  HostPort listen{"127.0.0.1", 7400};         // the protocol listener
  HostPort health_listen{"127.0.0.1", 7401};  // HTTP /health, /ready, /metrics

  // Runtime.
  int64_t scheduler_threads = 0;  // 0 = one per CPU core
  int64_t drain_timeout_ms = 5000;
  std::optional<std::string> persistence_path{};  // directory for durable logs
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;

  // Limits (server-behaviour.md §1, §3, §4, §8).
  int64_t max_frame_bytes = 1048576;  // header included; checked as soon as a header arrives
  int64_t max_connections = 10000;
  int64_t max_outbound_bytes = 8388608;  // per-connection outbound queue
  int64_t handshake_timeout_ms = 10000;
  int64_t idle_timeout_ms = 0;  // 0 = disabled
  int64_t conversation_reply_timeout_ms = 5000;
  int64_t dedup_window_ms = 300000;
  int64_t max_subscriptions_per_connection = 1024;
  int64_t subscription_pending_limit = 1024;  // per-subscription pending queue, in messages

  AuthConfig auth{};
  std::vector<ChannelConfig> channels{};
  std::vector<RoutingRuleConfig> routing_rules{};
};

}  // namespace liminal::config

#endif  // LIMINAL_CORE_CONFIG_SERVER_CONFIG_H_
