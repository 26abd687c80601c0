// Loading liminald's configuration: the TOML file, then the LIMINAL_* environment, then the
// command-line flags, then validation and the checks that need the file system. Every problem
// found on the way is reported together, in one status naming each key.
//
//   absl::StatusOr<config::ServerConfig> cfg =
//       LoadConfig("/etc/liminal/liminald.toml", ReadLiminalEnvironment(), flags);
//   if (!cfg.ok()) { /* cfg.status().message(), one error per line:
//     invalid configuration in /etc/liminal/liminald.toml (2 errors):
//       - channels[1].retentoin: unknown key (line 12)
//       - LIMINAL_DRAIN_TIMEOUT_MS: 'x' is not an integer (overrides drain_timeout_ms) */ }
//
// After a successful load:
//   * relative paths from the file are absolute, resolved against the file's directory;
//   * auth.tokens also holds the tokens of auth.token_file (one per line; blank lines and
//     lines starting with '#' are skipped; a file without tokens is an error);
//   * every channels[].schema_ref file has been read into schema_document and parses as a JSON
//     object or boolean (a JSON Schema document);
//   * persistence_path, when set, is an existing directory this process can write to;
//   * with [tls], the cert, key and CA files have been read into tls.*_pem, and they make a
//     server TLS context (the key belongs to the certificate; io/tls/server_tls_context.h).
// Status codes: NOT_FOUND, PERMISSION_DENIED or UNAVAILABLE when the config file cannot be
// read; INVALID_ARGUMENT for a TOML syntax error (file:line:column) or any invalid key.
#ifndef LIMINAL_DAEMON_CONFIG_LOADER_H_
#define LIMINAL_DAEMON_CONFIG_LOADER_H_

#include <filesystem>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "core/config/env_overrides.h"
#include "core/config/server_config.h"

namespace liminal::daemon {

// Values given on liminald's command line; they win over the file and the environment.
struct FlagOverrides {
  std::optional<std::string> listen;         // --listen host:port
  std::optional<std::string> health_listen;  // --health-listen host:port
  std::optional<std::string> log_format;     // --log-format text|json
  std::optional<std::string> log_level;      // --log-level trace..off
};

absl::StatusOr<config::ServerConfig> LoadConfig(const std::filesystem::path& file,
                                                const config::EnvironmentMap& env,
                                                const FlagOverrides& flags = {});

// The LIMINAL_* variables of this process's environment (main() only; tests pass maps).
config::EnvironmentMap ReadLiminalEnvironment();

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_CONFIG_LOADER_H_
