// AccessGuard: one connection's permission checks (README "Per-client permissions"). The
// connection process tells it who authenticated (Authenticated, at the handshake); every
// operation is then checked with Check() where it is dispatched — the services for Publish,
// Subscribe and ConversationOpen, the process for WorkerRegister — through
// ConnectionOutput::access(). A denial:
//
//   * comes back as PERMISSION_DENIED whose message is the text of the E_FORBIDDEN error the
//     caller sends on the same connection (which stays open);
//   * is counted in liminal_permission_denied_total{operation, user};
//   * is reported to the operator log at most once per operation kind per connection, so a
//     client retrying in a loop cannot flood the log.
//
//   absl::Status allowed = out.access().Check(auth::Operation::kPublish, publish.channel);
//   if (!allowed.ok()) { /* PublishError(E_FORBIDDEN, allowed.message()) */ }
//
// A client authenticated by a shared token, or any client when auth is off, is unrestricted:
// Check() is then one branch. Used only inside the connection's process (not thread-safe).
#ifndef LIMINAL_CORE_SERVER_ACCESS_GUARD_H_
#define LIMINAL_CORE_SERVER_ACCESS_GUARD_H_

#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "core/auth/permissions.h"
#include "core/auth/user_credential.h"
#include "core/metrics/counter.h"
#include "core/server/supervisor_metrics.h"

namespace liminal::server {

// Receives one operator-readable line per reported denial.
using AccessReport = std::function<void(const std::string&)>;

class AccessGuard {
 public:
  // `metrics` and `report` may be null (not counted / not reported); both, and `peer`, must
  // outlive the guard.
  AccessGuard(SupervisorMetrics metrics, const AccessReport* report, const std::string& peer)
      : metrics_(metrics), report_(report), peer_(peer) {}

  // The user whose token the Connect carried; null for a shared token or with auth off
  // (everything permitted). `user` must outlive the guard.
  void Authenticated(const auth::UserCredential* user) { user_ = user; }

  // OK when the operation is permitted on `subject`; otherwise PERMISSION_DENIED (counted,
  // reported once per kind).
  absl::Status Check(auth::Operation op, std::string_view subject) {
    if (user_ == nullptr || user_->permissions.Allows(op, subject)) return absl::OkStatus();
    return Deny(op, subject);
  }

 private:
  absl::Status Deny(auth::Operation op, std::string_view subject);

  const SupervisorMetrics metrics_;
  const AccessReport* const report_;
  const std::string& peer_;
  const auth::UserCredential* user_ = nullptr;
  std::array<metrics::Counter*, auth::kOperationCount> denied_{};  // looked up on first use
  std::array<bool, auth::kOperationCount> reported_{};
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_ACCESS_GUARD_H_
