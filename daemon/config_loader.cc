#include "daemon/config_loader.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/config/config_errors.h"
#include "core/config/host_port.h"
#include "core/config/validate.h"
#include "daemon/toml_config.h"
#include "io/tls/server_tls_context.h"

extern char** environ;  // NOLINT: POSIX

namespace liminal::daemon {
namespace {

using config::ConfigErrors;
using config::ServerConfig;

// The whole file, or an error such as "cannot read '/x': No such file or directory".
absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) {
    const int error = errno;
    const std::string message =
        absl::StrCat("cannot read '", path.string(), "': ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::UnavailableError(message);
  }
  std::string content;
  char buffer[8192];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) content.append(buffer, n);
  if (std::ferror(file.get())) {
    return absl::UnavailableError(
        absl::StrCat("cannot read '", path.string(), "': ", std::strerror(errno)));
  }
  return content;
}

template <typename T, typename Parse>
void ApplyFlag(absl::string_view flag, const std::optional<std::string>& value, T& out, Parse parse,
               ConfigErrors& errors) {
  if (!value.has_value()) return;
  absl::StatusOr<T> parsed = parse(*value);
  if (parsed.ok()) {
    out = *std::move(parsed);
  } else {
    errors.Add(flag, parsed.status().message());
  }
}

void ApplyFlags(const FlagOverrides& flags, ServerConfig& cfg, ConfigErrors& errors) {
  ApplyFlag("--listen", flags.listen, cfg.listen_address, config::ParseHostPort, errors);
  ApplyFlag("--health-listen", flags.health_listen, cfg.health_listen_address,
            config::ParseHostPort, errors);
  ApplyFlag("--log-format", flags.log_format, cfg.log_format, config::ParseLogFormat, errors);
  ApplyFlag("--log-level", flags.log_level, cfg.log_level, config::ParseLogLevel, errors);
}

void ReadTokenFile(config::AuthConfig& auth, ConfigErrors& errors) {
  if (!auth.token_file.has_value() || absl::StripAsciiWhitespace(*auth.token_file).empty()) {
    return;  // blank paths are reported by validation
  }
  absl::StatusOr<std::string> content = ReadFile(*auth.token_file);
  if (!content.ok()) {
    errors.Add("auth.token_file", content.status().message());
    return;
  }
  size_t found = 0;
  for (absl::string_view line : absl::StrSplit(*content, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    auth.tokens.emplace_back(line);
    ++found;
  }
  if (found == 0) {
    errors.Add("auth.token_file",
               absl::StrCat("'", *auth.token_file,
                            "' contains no tokens (one per line; '#' starts a comment)"));
  }
}

// Reads each [[auth.users]] token_file into the user's token: one token, on the file's first
// non-blank line that is not a '#' comment. A user with both a token and a token_file is an
// error (which one would be its identity?). Messages name the file, never the token.
void ReadUserTokenFiles(config::AuthConfig& auth, ConfigErrors& errors) {
  for (size_t i = 0; i < auth.users.size(); ++i) {
    config::AuthUserConfig& user = auth.users[i];
    if (!user.token_file.has_value() || absl::StripAsciiWhitespace(*user.token_file).empty()) {
      continue;  // blank paths are reported by validation
    }
    const std::string key = absl::StrCat("auth.users[", i, "].token_file");
    if (user.token.has_value()) {
      errors.Add(key, "is set together with token: give the user one or the other");
      continue;
    }
    absl::StatusOr<std::string> content = ReadFile(*user.token_file);
    if (!content.ok()) {
      errors.Add(key, content.status().message());
      continue;
    }
    std::vector<absl::string_view> tokens;
    for (absl::string_view line : absl::StrSplit(*content, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!line.empty() && !absl::StartsWith(line, "#")) tokens.push_back(line);
    }
    if (tokens.size() != 1) {
      errors.Add(key, absl::StrCat("'", *user.token_file, "' holds ", tokens.size(),
                                   " tokens; a user's token file holds exactly one ('#' starts a "
                                   "comment)"));
      continue;
    }
    user.token = std::string(tokens.front());
  }
}

// Reads and parses every channel's schema_ref file. liminal-server 0.2.1 required schema_ref
// but never read it, so 0.2.1 files often hold a label there ("orders-v1"): when the file
// cannot be read, the error explains what the key means since 0.2.3.
void ReadSchemas(ServerConfig& cfg, ConfigErrors& errors) {
  for (size_t i = 0; i < cfg.channels.size(); ++i) {
    config::ChannelConfig& channel = cfg.channels[i];
    if (!channel.schema_ref.has_value() ||
        absl::StripAsciiWhitespace(*channel.schema_ref).empty()) {
      continue;
    }
    const std::string key = absl::StrCat("channels[", i, "].schema_ref");
    absl::StatusOr<std::string> content = ReadFile(*channel.schema_ref);
    if (!content.ok()) {
      errors.Add(
          key, absl::StrCat("channel '", channel.name, "': ", content.status().message(),
                            ". schema_ref is the path of the channel's JSON Schema file, relative "
                            "to the configuration file (liminal-server 0.2.3); liminal-server "
                            "0.2.1 required it but never read it. Point it at the schema file, or "
                            "remove it for a channel that accepts any payload"));
      continue;
    }
    try {
      const nlohmann::json document = nlohmann::json::parse(*content);
      if (!document.is_object() && !document.is_boolean()) {
        errors.Add(key, absl::StrCat("'", *channel.schema_ref,
                                     "' is not a JSON Schema (expected an object or a boolean)"));
        continue;
      }
    } catch (const nlohmann::json::exception& error) {
      errors.Add(key,
                 absl::StrCat("'", *channel.schema_ref, "' is not valid JSON: ", error.what()));
      continue;
    }
    channel.schema_document = *std::move(content);
  }
}

// Reads the [tls] PEM files, then checks that they make a server context (the certificate
// parses, the key is its key, the CA file holds certificates), every error naming its key.
void ReadTlsFiles(std::optional<config::TlsConfig>& tls, ConfigErrors& errors) {
  if (!tls.has_value()) return;
  bool all_read = true;
  auto read = [&](absl::string_view key, const std::string& path, std::string& out) {
    if (absl::StripAsciiWhitespace(path).empty()) {
      all_read = false;  // reported by validation
      return;
    }
    absl::StatusOr<std::string> content = ReadFile(path);
    if (!content.ok()) {
      errors.Add(key, content.status().message());
      all_read = false;
      return;
    }
    out = *std::move(content);
  };
  read("tls.cert_file", tls->cert_file, tls->cert_pem);
  read("tls.key_file", tls->key_file, tls->key_pem);
  if (tls->ca_file.has_value()) read("tls.ca_file", *tls->ca_file, tls->ca_pem);
  if (all_read) io::CheckServerTlsMaterial(*tls, errors);
}

void CheckPersistencePath(const ServerConfig& cfg, ConfigErrors& errors) {
  if (!cfg.persistence_path.has_value() ||
      absl::StripAsciiWhitespace(*cfg.persistence_path).empty()) {
    return;  // blank paths are reported by validation
  }
  const std::filesystem::path path(*cfg.persistence_path);
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    errors.Add("persistence_path", absl::StrCat("'", path.string(), "' does not exist"));
  } else if (ec) {
    errors.Add("persistence_path",
               absl::StrCat("cannot access '", path.string(), "': ", ec.message()));
  } else if (status.type() != std::filesystem::file_type::directory) {
    errors.Add("persistence_path", absl::StrCat("'", path.string(), "' is not a directory"));
  } else if (::access(path.c_str(), W_OK | X_OK) != 0) {
    errors.Add("persistence_path",
               absl::StrCat("directory '", path.string(),
                            "' is not writable by this process: ", std::strerror(errno)));
  }
}

}  // namespace

absl::StatusOr<ServerConfig> LoadConfig(const std::filesystem::path& file,
                                        const config::EnvironmentMap& env,
                                        const FlagOverrides& flags) {
  absl::StatusOr<std::string> text = ReadFile(file);
  if (!text.ok()) {
    return absl::Status(text.status().code(),
                        absl::StrCat("config file: ", text.status().message()));
  }
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  if (ec) absolute = file;
  const std::filesystem::path base_dir = absolute.lexically_normal().parent_path();

  ServerConfig cfg;
  ConfigErrors errors;
  absl::Status syntax = DecodeTomlConfig(*text, file.string(), base_dir, cfg, errors);
  if (!syntax.ok()) return syntax;
  config::ApplyEnvOverrides(env, cfg, errors);
  ApplyFlags(flags, cfg, errors);
  ReadTokenFile(cfg.auth, errors);
  ReadUserTokenFiles(cfg.auth, errors);
  config::ValidateInto(cfg, errors);
  ReadSchemas(cfg, errors);
  CheckPersistencePath(cfg, errors);
  ReadTlsFiles(cfg.tls, errors);
  absl::Status status = errors.ToStatus(file.string());
  if (!status.ok()) return status;
  return cfg;
}

config::EnvironmentMap ReadLiminalEnvironment() {
  config::EnvironmentMap env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    absl::string_view variable(*entry);
    if (!absl::StartsWith(variable, "LIMINAL_")) continue;
    const size_t equals = variable.find('=');
    if (equals == absl::string_view::npos) continue;
    env.emplace(std::string(variable.substr(0, equals)), std::string(variable.substr(equals + 1)));
  }
  return env;
}

}  // namespace liminal::daemon
