// Permissions: what one authenticated client may do, as subject patterns per operation
// (subject_pattern.h). The four operations and the subject each is checked against:
//
//   kPublish    Publish                       the channel name
//   kSubscribe  Subscribe                     the channel name (without a `?from=`/`?consumer=`
//                                             replay suffix)
//   kRequest    ConversationOpen              the conversation subject, `worker.<queue>`
//                                             included
//   kRespond    WorkerRegister                `worker.<task_queue>`, the subject requesters use
//
// A client authenticated by a shared token (or on a server without auth) is Unrestricted();
// a named user has exactly the patterns its configuration lists: an operation with no pattern
// is not permitted at all (least privilege; `>` permits everything).
//
//   absl::StatusOr<Permissions> p = Permissions::Parse({.publish = {"orders.*"}});
//   p->Allows(Operation::kPublish, "orders.eu");   // true
//   p->Allows(Operation::kSubscribe, "orders.eu"); // false: no subscribe pattern
#ifndef LIMINAL_CORE_AUTH_PERMISSIONS_H_
#define LIMINAL_CORE_AUTH_PERMISSIONS_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/auth/subject_pattern.h"

namespace liminal::auth {

enum class Operation { kPublish = 0, kSubscribe = 1, kRequest = 2, kRespond = 3 };
inline constexpr size_t kOperationCount = 4;
inline constexpr std::array<Operation, kOperationCount> kAllOperations = {
    Operation::kPublish, Operation::kSubscribe, Operation::kRequest, Operation::kRespond};

// "publish", "subscribe", "request", "respond": the configuration keys and metric labels.
std::string_view OperationName(Operation op);

// The pattern texts of one user, per operation, as configured.
struct PermissionPatterns {
  std::vector<std::string> publish{};
  std::vector<std::string> subscribe{};
  std::vector<std::string> request{};
  std::vector<std::string> respond{};

  const std::vector<std::string>& Of(Operation op) const;
};

class Permissions {
 public:
  // Nothing is permitted.
  Permissions() = default;
  // Everything is permitted.
  static Permissions Unrestricted();
  // The patterns, compiled; InvalidArgument naming the operation, index and problem of the
  // first bad pattern ("publish[1]: pattern 'a..b' has an empty token ...").
  static absl::StatusOr<Permissions> Parse(const PermissionPatterns& patterns);

  bool unrestricted() const { return unrestricted_; }
  bool Allows(Operation op, std::string_view subject) const;

 private:
  bool unrestricted_ = false;
  std::array<std::vector<SubjectPattern>, kOperationCount> patterns_{};
};

}  // namespace liminal::auth

#endif  // LIMINAL_CORE_AUTH_PERMISSIONS_H_
