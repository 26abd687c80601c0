#include "core/auth/permissions.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::auth {

std::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kPublish:
      return "publish";
    case Operation::kSubscribe:
      return "subscribe";
    case Operation::kRequest:
      return "request";
    case Operation::kRespond:
      return "respond";
  }
  return "unknown";
}

const std::vector<std::string>& PermissionPatterns::Of(Operation op) const {
  switch (op) {
    case Operation::kPublish:
      return publish;
    case Operation::kSubscribe:
      return subscribe;
    case Operation::kRequest:
      return request;
    case Operation::kRespond:
      return respond;
  }
  return publish;  // unreachable: every enumerator is handled above
}

Permissions Permissions::Unrestricted() {
  Permissions permissions;
  permissions.unrestricted_ = true;
  return permissions;
}

absl::StatusOr<Permissions> Permissions::Parse(const PermissionPatterns& patterns) {
  Permissions permissions;
  for (Operation op : kAllOperations) {
    const std::vector<std::string>& texts = patterns.Of(op);
    std::vector<SubjectPattern>& compiled = permissions.patterns_[static_cast<size_t>(op)];
    compiled.reserve(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      absl::StatusOr<SubjectPattern> pattern = SubjectPattern::Parse(texts[i]);
      if (!pattern.ok()) {
        const std::string_view name = OperationName(op);
        return absl::InvalidArgumentError(absl::StrCat(absl::string_view(name.data(), name.size()),
                                                       "[", i, "]: ", pattern.status().message()));
      }
      compiled.push_back(*std::move(pattern));
    }
  }
  return permissions;
}

bool Permissions::Allows(Operation op, std::string_view subject) const {
  if (unrestricted_) return true;
  for (const SubjectPattern& pattern : patterns_[static_cast<size_t>(op)]) {
    if (pattern.Matches(subject)) return true;
  }
  return false;
}

}  // namespace liminal::auth
