// Validation of a ServerConfig against every rule the server relies on. Pure: it looks only at
// the model (checks that need the file system, such as "persistence_path is a writable
// directory", are made by the daemon's loader).
//
//   absl::Status s = config::Validate(cfg);
//   if (!s.ok()) { /* s.message() names every offending key, one per line, e.g.
//     "invalid configuration (2 errors):\n  - listen: port must be non-zero, got ..." */ }
//
// The rules (defaults and meanings are in server_config.h):
//   * listen_address / health_listen_address: non-empty host, non-zero port, the ports differ;
//   * scheduler_threads in 0..1024 (0 = one per core); drain_timeout_ms > 0;
//   * limits: every value > 0 except idle_timeout_ms >= 0; max_frame_bytes in
//     1024..1073741824; max_outbound_bytes >= max_frame_bytes;
//   * persistence_path, auth.token_file, channels[].schema_ref, routing_rules[].predicate: when
//     present, not blank; auth.token and auth.tokens[]: not empty;
//   * channels[].name: non-empty once trimmed, unique (compared trimmed); durable channels need
//     persistence_path; retention values >= 0 (0 = unlimited); fsync_interval_ms >= 1;
//     segment_bytes >= 4096;
//   * routing_rules[]: source_channel and target_channel name configured channels and differ;
//   * cluster: its fields are checked, then the section is refused (no clustering yet).
#ifndef LIMINAL_CORE_CONFIG_VALIDATE_H_
#define LIMINAL_CORE_CONFIG_VALIDATE_H_

#include "absl/status/status.h"
#include "core/config/config_errors.h"
#include "core/config/server_config.h"

namespace liminal::config {

// OK, or one INVALID_ARGUMENT status listing every violated rule.
absl::Status Validate(const ServerConfig& config);

// Adds every violated rule to `errors` (for callers that also collect other errors).
void ValidateInto(const ServerConfig& config, ConfigErrors& errors);

}  // namespace liminal::config

#endif  // LIMINAL_CORE_CONFIG_VALIDATE_H_
