// ParsePredicate: compiles the text of a routing rule's `predicate` into a PredicateExpr
// (predicate_expr.h), once, at startup. The grammar (also in the README, "Routing rules"):
//
//   predicate  := or
//   or         := and ( ("or" | "||") and )*
//   and        := unary ( ("and" | "&&") unary )*
//   unary      := ("not" | "!") unary | primary
//   primary    := "(" or ")"
//               | "exists" "(" path ")"
//               | path op literal
//   op         := "==" | "!=" | "<" | "<=" | ">" | ">="
//   path       := name ( "." segment )*      name: [A-Za-z_][A-Za-z0-9_]*
//                                            segment: [A-Za-z0-9_]+ (digits index arrays)
//   literal    := number | string | "true" | "false" | "null"
//   number     := JSON number (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)
//   string     := "..." or '...' with JSON escapes (\" \' \\ \/ \b \f \n \r \t \uXXXX)
//
// Precedence: not > and > or. Keywords are lower case. Ordering operators (< <= > >=) take
// a number or a string literal only. Nesting is limited to kMaxPredicateDepth levels.
//
//   absl::StatusOr<PredicateExpr> e = ParsePredicate("total > 100 and region != \"eu\"");
//   if (!e.ok()) { /* e.status().message(): "expected ... at column N" */ }
#ifndef LIMINAL_CORE_SERVER_SERVICES_PREDICATE_PARSER_H_
#define LIMINAL_CORE_SERVER_SERVICES_PREDICATE_PARSER_H_

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/server/services/routing/predicate_expr.h"

namespace liminal::server::services {

inline constexpr size_t kMaxPredicateDepth = 64;

absl::StatusOr<PredicateExpr> ParsePredicate(std::string_view text);

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_PREDICATE_PARSER_H_
