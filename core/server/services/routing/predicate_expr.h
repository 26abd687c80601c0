// PredicateExpr: the syntax tree of a routing-rule predicate, as produced by
// ParsePredicate() (predicate_parser.h) and evaluated by a MessagePredicate implementation.
// Plain data: and/or nodes are n-ary, `not` has one operand, leaves are comparisons of a
// payload field with a literal, or exists(field).
//
//   PredicateExpr e = *ParsePredicate("region == \"eu\" and not (qty < 10)");
//   e.kind == PredicateExpr::Kind::kAnd;  e.operands.size() == 2;
//   PredicateToString(e) == "(region == \"eu\" and not (qty < 10))";
#ifndef LIMINAL_CORE_SERVER_SERVICES_PREDICATE_EXPR_H_
#define LIMINAL_CORE_SERVER_SERVICES_PREDICATE_EXPR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace liminal::server::services {

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// "==", "!=", "<", "<=", ">", ">=".
std::string_view CompareOpText(CompareOp op);

struct PredicateLiteral {
  enum class Kind { kNull, kBool, kNumber, kString };
  Kind kind = Kind::kNull;
  bool boolean = false;            // kBool
  double number = 0;               // kNumber
  std::optional<int64_t> integer;  // kNumber written without fraction/exponent, fitting int64
  std::string string;              // kString (UTF-8, escapes resolved)

  friend bool operator==(const PredicateLiteral&, const PredicateLiteral&) = default;
};

struct PredicateExpr {
  enum class Kind { kAnd, kOr, kNot, kCompare, kExists };
  Kind kind = Kind::kExists;
  std::vector<PredicateExpr> operands;  // kAnd/kOr: two or more; kNot: exactly one
  std::vector<std::string> path;        // kCompare/kExists: field names; digits index arrays
  CompareOp op = CompareOp::kEq;        // kCompare
  PredicateLiteral literal;             // kCompare

  friend bool operator==(const PredicateExpr&, const PredicateExpr&) = default;
};

// Canonical text, fully parenthesised around and/or; parses back to an equal tree.
std::string PredicateToString(const PredicateExpr& expr);

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_PREDICATE_EXPR_H_
