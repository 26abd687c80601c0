#include "core/server/services/routing/predicate_parser.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/server/services/routing/predicate_lexer.h"

namespace liminal::server::services {
namespace {

using Kind = PredicateToken::Kind;

std::string Describe(const PredicateToken& token) {
  if (token.kind == Kind::kEnd) return "the end of the predicate";
  return absl::StrCat("'", token.text, "'");
}

class Parser {
 public:
  explicit Parser(std::vector<PredicateToken> tokens) : tokens_(std::move(tokens)) {}

  absl::StatusOr<PredicateExpr> ParseAll() {
    absl::StatusOr<PredicateExpr> expr = ParseOr(0);
    if (!expr.ok()) return expr;
    if (Peek().kind != Kind::kEnd) {
      return Error(Peek(), absl::StrCat("expected 'and', 'or' or the end, got ", Describe(Peek())));
    }
    return expr;
  }

 private:
  const PredicateToken& Peek() const { return tokens_[pos_]; }
  const PredicateToken& Take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  static absl::Status Error(const PredicateToken& at, absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(what, " at column ", at.column));
  }

  absl::Status CheckDepth(size_t depth) const {
    if (depth >= kMaxPredicateDepth) {
      return Error(Peek(),
                   absl::StrCat("predicate nests deeper than ", kMaxPredicateDepth, " levels"));
    }
    return absl::OkStatus();
  }

  // Parses `operand (separator operand)*` into one n-ary node.
  template <typename ParseOperand>
  absl::StatusOr<PredicateExpr> ParseChain(Kind separator, PredicateExpr::Kind node_kind,
                                           size_t depth, ParseOperand parse_operand) {
    absl::StatusOr<PredicateExpr> first = parse_operand(depth);
    if (!first.ok() || Peek().kind != separator) return first;
    PredicateExpr node;
    node.kind = node_kind;
    node.operands.push_back(*std::move(first));
    while (Peek().kind == separator) {
      Take();
      absl::StatusOr<PredicateExpr> next = parse_operand(depth);
      if (!next.ok()) return next;
      node.operands.push_back(*std::move(next));
    }
    return node;
  }

  absl::StatusOr<PredicateExpr> ParseOr(size_t depth) {
    if (absl::Status s = CheckDepth(depth); !s.ok()) return s;
    return ParseChain(Kind::kOr, PredicateExpr::Kind::kOr, depth,
                      [this](size_t d) { return ParseAnd(d); });
  }

  absl::StatusOr<PredicateExpr> ParseAnd(size_t depth) {
    return ParseChain(Kind::kAnd, PredicateExpr::Kind::kAnd, depth,
                      [this](size_t d) { return ParseUnary(d); });
  }

  absl::StatusOr<PredicateExpr> ParseUnary(size_t depth) {
    if (Peek().kind != Kind::kNot) return ParsePrimary(depth);
    if (absl::Status s = CheckDepth(depth + 1); !s.ok()) return s;
    Take();
    absl::StatusOr<PredicateExpr> operand = ParseUnary(depth + 1);
    if (!operand.ok()) return operand;
    PredicateExpr node;
    node.kind = PredicateExpr::Kind::kNot;
    node.operands.push_back(*std::move(operand));
    return node;
  }

  absl::StatusOr<PredicateExpr> ParsePrimary(size_t depth) {
    const PredicateToken& token = Peek();
    switch (token.kind) {
      case Kind::kLeftParen: {
        Take();
        absl::StatusOr<PredicateExpr> inner = ParseOr(depth + 1);
        if (!inner.ok()) return inner;
        if (Peek().kind != Kind::kRightParen) {
          return Error(Peek(), absl::StrCat("expected ')', got ", Describe(Peek())));
        }
        Take();
        return inner;
      }
      case Kind::kExists: {
        Take();
        if (Peek().kind != Kind::kLeftParen) {
          return Error(Peek(), absl::StrCat("expected '(' after exists, got ", Describe(Peek())));
        }
        Take();
        if (Peek().kind != Kind::kPath) {
          return Error(Peek(), absl::StrCat("expected a field path inside exists(), got ",
                                            Describe(Peek())));
        }
        PredicateExpr node;
        node.kind = PredicateExpr::Kind::kExists;
        node.path = Take().path;
        if (Peek().kind != Kind::kRightParen) {
          return Error(Peek(),
                       absl::StrCat("expected ')' after the field path, got ", Describe(Peek())));
        }
        Take();
        return node;
      }
      case Kind::kPath:
        return ParseComparison();
      case Kind::kNumber:
      case Kind::kString:
      case Kind::kTrue:
      case Kind::kFalse:
      case Kind::kNull:
        return Error(token, absl::StrCat("expected a field path, got the value ", Describe(token),
                                         " (comparisons put the field first: price > 10)"));
      default:
        return Error(token, absl::StrCat("expected a comparison, exists(...), 'not' or '(', got ",
                                         Describe(token)));
    }
  }

  absl::StatusOr<PredicateExpr> ParseComparison() {
    PredicateExpr node;
    node.kind = PredicateExpr::Kind::kCompare;
    const PredicateToken& path = Take();
    node.path = path.path;
    if (Peek().kind != Kind::kCompare) {
      return Error(Peek(), absl::StrCat("expected a comparison operator after '", path.text,
                                        "', got ", Describe(Peek())));
    }
    const PredicateToken& op = Take();
    node.op = op.op;
    const PredicateToken& value = Take();
    switch (value.kind) {
      case Kind::kNumber:
      case Kind::kString:
        node.literal = value.literal;
        return node;
      case Kind::kTrue:
      case Kind::kFalse:
      case Kind::kNull:
        if (node.op != CompareOp::kEq && node.op != CompareOp::kNe) {
          return Error(value, absl::StrCat("operator '", op.text,
                                           "' needs a number or a string, got ", value.text));
        }
        if (value.kind == Kind::kNull) {
          node.literal.kind = PredicateLiteral::Kind::kNull;
        } else {
          node.literal.kind = PredicateLiteral::Kind::kBool;
          node.literal.boolean = value.kind == Kind::kTrue;
        }
        return node;
      default:
        return Error(value,
                     absl::StrCat("expected a value after '", op.text, "', got ", Describe(value)));
    }
  }

  std::vector<PredicateToken> tokens_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<PredicateExpr> ParsePredicate(std::string_view text) {
  absl::StatusOr<std::vector<PredicateToken>> tokens = PredicateLexer(text).Tokenize();
  if (!tokens.ok()) return tokens.status();
  if (tokens->size() == 1) return absl::InvalidArgumentError("predicate is empty");
  return Parser(*std::move(tokens)).ParseAll();
}

}  // namespace liminal::server::services
