#include "tools/duration_flag.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace liminal::tools {

absl::StatusOr<absl::Duration> ParseDurationFlag(std::string_view text) {
  const absl::string_view view(text.data(), text.size());
  absl::Duration duration;
  double seconds = 0;
  if (absl::SimpleAtod(view, &seconds) && !view.empty() &&
      view.find_first_not_of("0123456789.") == absl::string_view::npos) {
    duration = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(view, &duration)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", view, "' is not a duration (examples: 5s, 250ms, 1m30s, 2)"));
  }
  if (duration < absl::ZeroDuration() || duration == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", view, "': a duration must be finite and not negative"));
  }
  return duration;
}

CLI::Validator DurationFlag() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        absl::StatusOr<absl::Duration> duration = ParseDurationFlag(text);
        return duration.ok() ? std::string() : std::string(duration.status().message());
      },
      "");
}

}  // namespace liminal::tools
