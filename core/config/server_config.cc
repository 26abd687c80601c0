#include "core/config/server_config.h"

#include <array>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace liminal::config {
namespace {

template <typename Enum, size_t N>
absl::StatusOr<Enum> ParseName(const std::array<std::pair<absl::string_view, Enum>, N>& names,
                               absl::string_view text) {
  for (const auto& [name, value] : names) {
    if (name == text) return value;
  }
  std::vector<absl::string_view> allowed;
  for (const auto& entry : names) allowed.push_back(entry.first);
  return absl::InvalidArgumentError(
      absl::StrCat("'", text, "' is not one of \"", absl::StrJoin(allowed, "\", \""), "\""));
}

template <typename Enum, size_t N>
absl::string_view NameOf(const std::array<std::pair<absl::string_view, Enum>, N>& names,
                         Enum value) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return "?";
}

constexpr std::array<std::pair<absl::string_view, LogFormat>, 2> kLogFormats{{
    {"text", LogFormat::kText},
    {"json", LogFormat::kJson},
}};

constexpr std::array<std::pair<absl::string_view, LogLevel>, 7> kLogLevels{{
    {"trace", LogLevel::kTrace},
    {"debug", LogLevel::kDebug},
    {"info", LogLevel::kInfo},
    {"warn", LogLevel::kWarn},
    {"error", LogLevel::kError},
    {"critical", LogLevel::kCritical},
    {"off", LogLevel::kOff},
}};

constexpr std::array<std::pair<absl::string_view, FsyncPolicy>, 3> kFsyncPolicies{{
    {"always", FsyncPolicy::kAlways},
    {"interval", FsyncPolicy::kInterval},
    {"never", FsyncPolicy::kNever},
}};

constexpr std::array<std::pair<absl::string_view, ServicesProfile>, 2> kServicesProfiles{{
    {"full", ServicesProfile::kFull},
    {"worker-front-door", ServicesProfile::kWorkerFrontDoor},
}};

}  // namespace

std::vector<std::string> AuthConfig::AcceptedTokens() const {
  std::vector<std::string> accepted;
  if (token.has_value()) accepted.push_back(*token);
  accepted.insert(accepted.end(), tokens.begin(), tokens.end());
  return accepted;
}

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view text) {
  return ParseName(kLogFormats, text);
}
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view text) {
  return ParseName(kLogLevels, text);
}
absl::StatusOr<FsyncPolicy> ParseFsyncPolicy(absl::string_view text) {
  return ParseName(kFsyncPolicies, text);
}
absl::StatusOr<ServicesProfile> ParseServicesProfile(absl::string_view text) {
  return ParseName(kServicesProfiles, text);
}
absl::string_view ServicesProfileName(ServicesProfile profile) {
  return NameOf(kServicesProfiles, profile);
}
absl::string_view LogFormatName(LogFormat format) { return NameOf(kLogFormats, format); }
absl::string_view LogLevelName(LogLevel level) { return NameOf(kLogLevels, level); }
absl::string_view FsyncPolicyName(FsyncPolicy policy) { return NameOf(kFsyncPolicies, policy); }

}  // namespace liminal::config
