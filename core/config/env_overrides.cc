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

template <int64_t ServerConfig::*Member>
absl::Status SetInteger(absl::string_view value, ServerConfig& config) {
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed)) {
    return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not an integer"));
  }
  config.*Member = parsed;
  return absl::OkStatus();
}

template <HostPort ServerConfig::*Member>
absl::Status SetHostPort(absl::string_view value, ServerConfig& config) {
  absl::StatusOr<HostPort> parsed = ParseHostPort(value);
  if (!parsed.ok()) return parsed.status();
  config.*Member = *std::move(parsed);
  return absl::OkStatus();
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

constexpr std::array<Override, 17> kOverrides{{
    {{"LIMINAL_LISTEN", "listen"}, &SetHostPort<&ServerConfig::listen>},
    {{"LIMINAL_HEALTH_LISTEN", "health_listen"}, &SetHostPort<&ServerConfig::health_listen>},
    {{"LIMINAL_SCHEDULER_THREADS", "scheduler_threads"},
     &SetInteger<&ServerConfig::scheduler_threads>},
    {{"LIMINAL_DRAIN_TIMEOUT_MS", "drain_timeout_ms"},
     &SetInteger<&ServerConfig::drain_timeout_ms>},
    {{"LIMINAL_PERSISTENCE_PATH", "persistence_path"}, &SetPersistencePath},
    {{"LIMINAL_LOG_FORMAT", "log_format"}, &SetLogFormat},
    {{"LIMINAL_LOG_LEVEL", "log_level"}, &SetLogLevel},
    {{"LIMINAL_MAX_FRAME_BYTES", "max_frame_bytes"}, &SetInteger<&ServerConfig::max_frame_bytes>},
    {{"LIMINAL_MAX_CONNECTIONS", "max_connections"}, &SetInteger<&ServerConfig::max_connections>},
    {{"LIMINAL_MAX_OUTBOUND_BYTES", "max_outbound_bytes"},
     &SetInteger<&ServerConfig::max_outbound_bytes>},
    {{"LIMINAL_HANDSHAKE_TIMEOUT_MS", "handshake_timeout_ms"},
     &SetInteger<&ServerConfig::handshake_timeout_ms>},
    {{"LIMINAL_IDLE_TIMEOUT_MS", "idle_timeout_ms"}, &SetInteger<&ServerConfig::idle_timeout_ms>},
    {{"LIMINAL_CONVERSATION_REPLY_TIMEOUT_MS", "conversation_reply_timeout_ms"},
     &SetInteger<&ServerConfig::conversation_reply_timeout_ms>},
    {{"LIMINAL_DEDUP_WINDOW_MS", "dedup_window_ms"}, &SetInteger<&ServerConfig::dedup_window_ms>},
    {{"LIMINAL_MAX_SUBSCRIPTIONS_PER_CONNECTION", "max_subscriptions_per_connection"},
     &SetInteger<&ServerConfig::max_subscriptions_per_connection>},
    {{"LIMINAL_SUBSCRIPTION_PENDING_LIMIT", "subscription_pending_limit"},
     &SetInteger<&ServerConfig::subscription_pending_limit>},
    {{"LIMINAL_AUTH_TOKENS", "auth.tokens"}, &SetAuthTokens},
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
