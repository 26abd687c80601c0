#include "core/config/config_errors.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace liminal::config {

void ConfigErrors::Add(absl::string_view key, absl::string_view message) {
  errors_.push_back(key.empty() ? std::string(message) : absl::StrCat(key, ": ", message));
}

void ConfigErrors::Append(const ConfigErrors& other) {
  errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
}

absl::Status ConfigErrors::ToStatus(absl::string_view source) const {
  if (errors_.empty()) return absl::OkStatus();
  const std::string what =
      source.empty() ? "invalid configuration" : absl::StrCat("invalid configuration in ", source);
  if (errors_.size() == 1) return absl::InvalidArgumentError(absl::StrCat(what, ": ", errors_[0]));
  return absl::InvalidArgumentError(absl::StrCat(what, " (", errors_.size(), " errors):\n  - ",
                                                 absl::StrJoin(errors_, "\n  - ")));
}

}  // namespace liminal::config
