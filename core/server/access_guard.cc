#include "core/server/access_guard.h"

#include <cstddef>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace liminal::server {
namespace {

absl::string_view View(std::string_view text) { return {text.data(), text.size()}; }

// "publish to channel 'payments'", ...
std::string Describe(auth::Operation op, std::string_view subject) {
  switch (op) {
    case auth::Operation::kPublish:
      return absl::StrCat("publish to channel '", View(subject), "'");
    case auth::Operation::kSubscribe:
      return absl::StrCat("subscribe to channel '", View(subject), "'");
    case auth::Operation::kRequest:
      return absl::StrCat("open a conversation on subject '", View(subject), "'");
    case auth::Operation::kRespond:
      return absl::StrCat("register as a worker for '", View(subject), "'");
  }
  return std::string(subject);
}

}  // namespace

absl::Status AccessGuard::Deny(auth::Operation op, std::string_view subject) {
  const size_t kind = static_cast<size_t>(op);
  const std::string what = Describe(op, subject);
  if (denied_[kind] == nullptr) {
    denied_[kind] = metrics_.PermissionDeniedCounter(user_->name, auth::OperationName(op));
  }
  if (denied_[kind] != nullptr) denied_[kind]->Increment();
  if (report_ != nullptr && *report_ && !reported_[kind]) {
    reported_[kind] = true;
    (*report_)(absl::StrCat("permission denied: user '", user_->name, "' (connection from ", peer_,
                            ") may not ", what, "; further ", View(auth::OperationName(op)),
                            " denials on this connection are counted but not logged"));
  }
  return absl::PermissionDeniedError(
      absl::StrCat("user '", user_->name, "' is not permitted to ", what));
}

}  // namespace liminal::server
