// JsonPredicate: evaluates a parsed routing predicate
// (core/server/services/routing/predicate_expr.h) against a JSON payload with nlohmann::json — the
// MessagePredicate the daemon installs for every `routing_rules[].predicate`.
//
//   absl::StatusOr<PredicateExpr> expr = ParsePredicate("total > 100 and region == \"eu\"");
//   JsonPredicate predicate(*expr);
//   predicate.Matches(R"({"total": 250, "region": "eu"})");   // true
//
// Semantics (README "Routing rules"):
//   * A payload that is not JSON never matches.
//   * A path walks object members by name; a segment of digits also indexes an array.
//   * A comparison whose field is missing is false, whatever the operator (so `f != 1` needs
//     `exists(f)` to be true). exists(path) is true when the path resolves, even to null.
//   * == / != compare type and value: 1 == 1.0 (numbers compare numerically, integers
//     exactly), "1" != 1, null == null. Ordering operators compare numbers with numbers and
//     strings with strings (bytewise UTF-8); any other pairing is false.
// Thread-safe (immutable after construction).
#ifndef LIMINAL_DAEMON_JSON_JSON_PREDICATE_H_
#define LIMINAL_DAEMON_JSON_JSON_PREDICATE_H_

#include <string_view>

#include "core/server/services/routing/message_predicate.h"
#include "core/server/services/routing/predicate_expr.h"

namespace liminal::daemon {

class JsonPredicate final : public server::services::MessagePredicate {
 public:
  explicit JsonPredicate(server::services::PredicateExpr expr) : expr_(std::move(expr)) {}

  bool Matches(std::string_view payload) const override;

 private:
  server::services::PredicateExpr expr_;
};

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_JSON_JSON_PREDICATE_H_
