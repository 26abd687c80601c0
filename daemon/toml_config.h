// Decoding liminald's TOML configuration text into a config::ServerConfig (toml++ 3.3).
// Part of the config loader (config_loader.h), which adds the environment, the command line,
// file reads and validation; use that unless you only need the TOML step.
//
//   config::ServerConfig cfg;
//   config::ConfigErrors errors;
//   absl::Status syntax = DecodeTomlConfig(text, "/etc/liminal/liminald.toml",
//                                          "/etc/liminal", cfg, errors);
//   // syntax: a TOML syntax error, "/etc/liminal/liminald.toml:3:7: ...", decoding stops.
//   // errors: every key-level problem, e.g. "channels[1].retentoin: unknown key (line 12)".
//
// Unknown keys are rejected at every level; a value of the wrong TOML type is an error naming
// its key; keys that are absent keep their defaults. Channel names and routing endpoints are
// trimmed. Relative paths (persistence_path, auth.token_file, channels[].schema_ref) are resolved
// against `base_dir`.
#ifndef LIMINAL_DAEMON_TOML_CONFIG_H_
#define LIMINAL_DAEMON_TOML_CONFIG_H_

#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/config/config_errors.h"
#include "core/config/server_config.h"

namespace liminal::daemon {

// Returns a non-OK status only for a TOML syntax error (with line and column); key-level
// problems go to `errors` and decoding carries on so that all of them are reported.
absl::Status DecodeTomlConfig(absl::string_view text, absl::string_view source_name,
                              const std::filesystem::path& base_dir, config::ServerConfig& out,
                              config::ConfigErrors& errors);

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_TOML_CONFIG_H_
