// SubjectPattern: a permission pattern over channel names and conversation subjects, with
// the NATS wildcard syntax. A subject is split into tokens at '.'; in a pattern, a token `*`
// matches exactly one token and a final token `>` matches one or more tokens; every other
// token matches itself, byte for byte. A wildcard must be a whole token (`orders*` is refused,
// not taken literally) and `>` must be the last one.
//
//   absl::StatusOr<SubjectPattern> p = SubjectPattern::Parse("orders.*");
//   p->Matches("orders.eu");     // true
//   p->Matches("orders");        // false: `*` needs a token
//   p->Matches("orders.eu.de");  // false: `*` is one token; `orders.>` would match
//   SubjectPattern::Parse(">")->Matches("anything.at.all");  // true
//
// Wildcards match only non-empty tokens, so `orders.*` never matches `orders.` .
#ifndef LIMINAL_CORE_AUTH_SUBJECT_PATTERN_H_
#define LIMINAL_CORE_AUTH_SUBJECT_PATTERN_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace liminal::auth {

class SubjectPattern {
 public:
  // InvalidArgument, with a message naming the problem, for an empty pattern, leading or
  // trailing whitespace, an empty token (`a..b`, `.a`, `a.`), a wildcard inside a token, or
  // `>` before the last token.
  static absl::StatusOr<SubjectPattern> Parse(std::string_view text);

  bool Matches(std::string_view subject) const;

  const std::string& text() const { return text_; }

 private:
  enum class Kind { kLiteral, kOne, kRest };
  struct Token {
    Kind kind;
    std::string literal;  // kLiteral only
  };

  SubjectPattern(std::string text, std::vector<Token> tokens)
      : text_(std::move(text)), tokens_(std::move(tokens)) {}

  std::string text_;
  std::vector<Token> tokens_;
};

}  // namespace liminal::auth

#endif  // LIMINAL_CORE_AUTH_SUBJECT_PATTERN_H_
