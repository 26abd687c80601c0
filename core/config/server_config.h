// ServerConfig: the typed model of liminald's TOML configuration, one member per key, each
// initialised to its documented default. Keys and layout are the reference server's
// (reference-compat.md §4); liminald's own keys sit where they fit in that layout. The model is
// plain data; it is filled by the daemon's loader (daemon/config_loader.h: TOML file, then
// LIMINAL_* environment, then command-line flags) and checked with Validate() (validate.h).
//
//   config::ServerConfig c;                        // every default
//   c.channels.push_back({.name = "orders", .durable = true});
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

// channels[].fsync: when a durable channel's log is fsync'ed (server-behaviour.md §5).
//   "always" (the default): the PublishAck follows an fsync covering the message; publishes
//       arriving while an fsync is in flight share the next one (group commit);
//   "interval": ack after the write, fsync at least every fsync_interval_ms;
//   "never": ack after the write, syncing left to the OS and to shutdown.
enum class FsyncPolicy { kAlways, kInterval, kNever };

// [services] profile (reference-compat.md §4): "full" serves everything;
// "worker-front-door" serves worker registration, pushes and `worker.<queue>` requests only.
enum class ServicesProfile { kFull, kWorkerFrontDoor };

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view text);
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view text);
absl::StatusOr<FsyncPolicy> ParseFsyncPolicy(absl::string_view text);
absl::StatusOr<ServicesProfile> ParseServicesProfile(absl::string_view text);
absl::string_view LogFormatName(LogFormat format);
absl::string_view LogLevelName(LogLevel level);
absl::string_view FsyncPolicyName(FsyncPolicy policy);
absl::string_view ServicesProfileName(ServicesProfile profile);

// channels[].retention: limits on what a durable channel keeps on disk. 0 = unlimited.
struct RetentionConfig {
  int64_t max_messages = 0;
  int64_t max_bytes = 0;
  int64_t max_age_ms = 0;
};

// One [[channels]] entry.
struct ChannelConfig {
  std::string name{};    // trimmed by the loader; non-empty and unique
  bool durable = false;  // durable channels need persistence_path
  // Path of the channel's JSON Schema file (absolute after loading); none = any payload.
  std::optional<std::string> schema_ref{};
  std::string schema_document{};  // that file's bytes, read by the loader ("" if none)
  RetentionConfig retention{};
  FsyncPolicy fsync = FsyncPolicy::kAlways;
  int64_t fsync_interval_ms = 1000;  // fsync = "interval": the longest unsynced stretch
  // A durable log's segment size: retention drops whole segments, so it overshoots a limit
  // by at most this much.
  int64_t segment_bytes = 64ll << 20;
};

// One [[routing_rules]] entry: messages published to `source_channel` that match `predicate`
// (all messages when absent) are also published to `target_channel`. The predicate is carried
// as text and compiled by the routing service.
struct RoutingRuleConfig {
  std::string source_channel{};
  std::string target_channel{};
  std::optional<std::string> predicate{};
};

// One [[auth.users]] entry: a named client with its own token and its own permissions, each a
// list of subject patterns (core/auth/subject_pattern.h). An operation without patterns is
// not permitted (least privilege).
struct AuthUserConfig {
  std::string name{};                  // trimmed by the loader; non-empty and unique
  std::optional<std::string> token{};  // required, non-empty, unique across every credential
  // Where the token is kept instead (a secret outside the config file): one token on its first
  // non-blank, non-'#' line. Absolute after loading; the loader reads it into `token`.
  std::optional<std::string> token_file{};
  std::vector<std::string> publish{};    // channels it may publish to
  std::vector<std::string> subscribe{};  // channels it may subscribe to
  std::vector<std::string> request{};    // conversation subjects it may open (worker.<queue>)
  std::vector<std::string> respond{};    // worker.<task_queue> it may register as a worker for
};

// [auth]. With no tokens and no users configured every Connect token is accepted. The shared
// tokens permit everything (the reference's meaning); users get their listed permissions.
struct AuthConfig {
  // The accepted tokens: the reference's single `token`, the inline `tokens` array, plus
  // (after loading) one token per non-blank, non-'#' line of `token_file`.
  std::optional<std::string> token{};
  std::vector<std::string> tokens{};
  std::optional<std::string> token_file{};  // absolute after loading
  std::vector<AuthUserConfig> users{};

  // Every accepted shared token: `token` (if set) followed by `tokens`.
  std::vector<std::string> AcceptedTokens() const;
};

// [services].
struct ServicesConfig {
  ServicesProfile profile = ServicesProfile::kFull;
};

// [limits]: the reference's limits (its defaults in comments where liminald differs) and
// liminald's own. Every value must be > 0, except idle_timeout_ms (0 = disabled).
struct LimitsConfig {
  int64_t max_connections = 10000;                  // reference: 256
  int64_t max_subscriptions_per_connection = 1024;  // reference: 32
  int64_t max_conversations_per_connection = 32;
  int64_t max_pending_pushes_per_connection = 32;
  int64_t max_pending_conversation_replies_per_connection = 32;
  int64_t max_pending_replies_per_conversation = 8;
  // Bytes read from a connection's socket and not yet processed; reading pauses above it.
  int64_t max_connection_inbox_bytes = 4194304;
  // Per-subscription queue, in messages; overflow sheds the subscriber. Reference: 256.
  int64_t max_subscription_inbox_depth = 1024;
  // liminald's own.
  int64_t max_frame_bytes = 16777216;     // header included; checked as soon as a header arrives
  int64_t max_outbound_bytes = 16777216;  // per-connection outbound queue (>= max_frame_bytes)
  int64_t handshake_timeout_ms = 10000;
  int64_t idle_timeout_ms = 0;  // 0 = disabled
  int64_t conversation_reply_timeout_ms = 5000;
  int64_t dedup_window_ms = 300000;
};

// [cluster] (the reference's beamr distribution). Parsed and validated so that a reference
// file gets a precise answer, then refused: liminald does not cluster yet.
struct ClusterConfig {
  std::string node_name{};
  std::optional<HostPort> listen_address{};
  std::vector<std::string> seed_nodes{};
  std::string cookie{};
};

// [tls]: TLS on the protocol listener and, with `health = true`, on the health listener (an
// addition to the reference, which speaks plaintext only). The loader reads the PEM files into
// the *_pem members; the daemon builds the TLS context from those, so a bad certificate or key
// is a load error that names its key and file.
struct TlsConfig {
  std::string cert_file{};  // certificate chain (PEM), leaf first; absolute after loading
  std::string key_file{};   // the certificate's private key (PEM, unencrypted)
  std::optional<std::string> ca_file{};  // CAs (PEM) that client certificates chain to
  bool require_client_cert = false;      // mutual TLS on the protocol listener; needs ca_file
  bool health = false;                   // also serve /health, /ready, /metrics over TLS
  // Read by the loader from the files above ("" until then, and for an absent ca_file).
  std::string cert_pem{};
  std::string key_pem{};
  std::string ca_pem{};
};

struct ServerConfig {
  // Network.
  HostPort listen_address{"127.0.0.1", 7400};         // the protocol listener
  HostPort health_listen_address{"127.0.0.1", 7401};  // HTTP /health, /ready, /metrics

  // Runtime.
  int64_t drain_timeout_ms = 5000;
  std::optional<std::string> persistence_path{};  // directory for durable logs
  int64_t scheduler_threads = 0;                  // 0 = one per CPU core
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;

  AuthConfig auth{};
  ServicesConfig services{};
  LimitsConfig limits{};
  std::optional<ClusterConfig> cluster{};
  std::vector<ChannelConfig> channels{};
  std::vector<RoutingRuleConfig> routing_rules{};
  std::optional<TlsConfig> tls{};  // absent: plaintext listeners
};

}  // namespace liminal::config

#endif  // LIMINAL_CORE_CONFIG_SERVER_CONFIG_H_
