// Durations on the command line: "5s", "250ms", "1m30s", "1.5h" (absl::ParseDuration
// syntax), or a bare number of seconds ("2", "0.5").
//
//   cmd->add_option("--timeout", options.timeout, "...")->check(DurationFlag())
//       ->type_name("DURATION");
//   ...
//   absl::StatusOr<absl::Duration> timeout = ParseDurationFlag(options.timeout);
//
// Negative and infinite durations are refused.
#ifndef LIMINAL_TOOLS_DURATION_FLAG_H_
#define LIMINAL_TOOLS_DURATION_FLAG_H_

#include <CLI/CLI.hpp>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace liminal::tools {

absl::StatusOr<absl::Duration> ParseDurationFlag(std::string_view text);

// A CLI11 validator accepting what ParseDurationFlag accepts (a usage error otherwise).
CLI::Validator DurationFlag();

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_DURATION_FLAG_H_
