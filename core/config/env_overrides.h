// LIMINAL_* environment overrides. The daemon applies them after reading the config file and
// before validation, so the environment wins over the file. The environment is passed in as a
// map (only main() reads the real one), which keeps this code pure and testable.
//
//   EnvironmentMap env = {{"LIMINAL_DRAIN_TIMEOUT_MS", "250"}};
//   ConfigErrors errors;
//   ApplyEnvOverrides(env, config, errors);   // config.drain_timeout_ms == 250
//   // An unparseable value is an error naming the variable:
//   //   "LIMINAL_MAX_CONNECTIONS: '12x' is not an integer (overrides limits.max_connections)"
//
// The reference's variables (reference-compat.md §4): LIMINAL_LISTEN_ADDRESS,
// LIMINAL_HEALTH_LISTEN_ADDRESS, LIMINAL_DRAIN_TIMEOUT_MS, LIMINAL_PERSISTENCE_PATH,
// LIMINAL_AUTH_TOKEN and LIMINAL_CLUSTER_{NODE_NAME,SEED_NODES,LISTEN_ADDRESS,COOKIE} (seed
// nodes comma-separated; a cluster variable without a [cluster] section in the file is an
// error). liminald's own: LIMINAL_SCHEDULER_THREADS, LIMINAL_LOG_FORMAT, LIMINAL_LOG_LEVEL,
// LIMINAL_AUTH_TOKENS (a comma-separated list that replaces [auth] tokens and token_file) and
// LIMINAL_<KEY> for every [limits] key (LIMINAL_MAX_FRAME_BYTES, ...), and
// LIMINAL_TLS_{CERT_FILE,KEY_FILE,CA_FILE,REQUIRE_CLIENT_CERT,HEALTH} for [tls] (they create
// the section when the file has none: TLS from the environment alone needs the certificate
// and the key; the flags take true/false, yes/no or 1/0); see EnvOverrides().
// Paths given in the environment are taken as they are (relative paths are relative to the
// daemon's working directory). An empty value is an error: unset the variable to keep the
// file's value.
#ifndef LIMINAL_CORE_CONFIG_ENV_OVERRIDES_H_
#define LIMINAL_CORE_CONFIG_ENV_OVERRIDES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "core/config/config_errors.h"
#include "core/config/server_config.h"

namespace liminal::config {

// Environment variables by name. Ordered, so anything derived from it is deterministic.
using EnvironmentMap = std::map<std::string, std::string, std::less<>>;

// One supported override: the variable and the config key it replaces.
struct EnvOverrideInfo {
  absl::string_view variable;  // "LIMINAL_LISTEN_ADDRESS"
  absl::string_view key;       // "listen_address"
};

// Every supported override, in documentation order.
absl::Span<const EnvOverrideInfo> EnvOverrides();

// Applies every supported LIMINAL_* variable present in `env` to `config`. Each value that
// does not parse adds one error naming the variable; the other overrides still apply.
void ApplyEnvOverrides(const EnvironmentMap& env, ServerConfig& config, ConfigErrors& errors);

// The LIMINAL_* variables in `env` that are not overrides (typos, most likely), sorted.
std::vector<std::string> UnknownEnvOverrides(const EnvironmentMap& env);

}  // namespace liminal::config

#endif  // LIMINAL_CORE_CONFIG_ENV_OVERRIDES_H_
