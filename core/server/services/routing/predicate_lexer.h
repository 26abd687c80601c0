// PredicateLexer: splits routing-rule predicate text into tokens for the parser
// (predicate_parser.h). Words and dotted field paths come out as one kPath token
// ("order.items.0.sku"); keywords (and, or, not, exists, true, false, null) and the symbol
// aliases && || ! are recognised here so the parser only deals with token kinds.
//
//   PredicateLexer lexer("qty >= 10 && exists(customer.id)");
//   absl::StatusOr<std::vector<PredicateToken>> tokens = lexer.Tokenize();
//
// Errors name the 1-based column of the offending character.
#ifndef LIMINAL_CORE_SERVER_SERVICES_PREDICATE_LEXER_H_
#define LIMINAL_CORE_SERVER_SERVICES_PREDICATE_LEXER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/server/services/routing/predicate_expr.h"

namespace liminal::server::services {

struct PredicateToken {
  enum class Kind {
    kPath,    // field path; `path` holds its segments
    kNumber,  // `literal` holds the value
    kString,  // `literal` holds the value
    kTrue,
    kFalse,
    kNull,
    kAnd,
    kOr,
    kNot,
    kExists,
    kCompare,  // `op` holds the operator
    kLeftParen,
    kRightParen,
    kEnd,
  };
  Kind kind = Kind::kEnd;
  size_t column = 0;  // 1-based start column
  std::string text;   // the source text of the token
  std::vector<std::string> path;
  PredicateLiteral literal;
  CompareOp op = CompareOp::kEq;
};

class PredicateLexer {
 public:
  explicit PredicateLexer(std::string_view text) : text_(text) {}
  // The tokens, always ending with one kEnd.
  absl::StatusOr<std::vector<PredicateToken>> Tokenize();

 private:
  absl::Status LexWord(PredicateToken& token);
  absl::Status LexNumber(PredicateToken& token);
  absl::Status LexString(PredicateToken& token);
  absl::Status Error(size_t offset, absl::string_view what) const;

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_PREDICATE_LEXER_H_
