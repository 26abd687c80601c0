#include "core/auth/subject_pattern.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace liminal::auth {

absl::StatusOr<SubjectPattern> SubjectPattern::Parse(std::string_view text) {
  const absl::string_view view(text.data(), text.size());
  if (view.empty()) return absl::InvalidArgumentError("a pattern must not be empty");
  if (absl::StripAsciiWhitespace(view).size() != view.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("pattern '", view, "' starts or ends with whitespace"));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(view, '.');
  std::vector<Token> tokens;
  tokens.reserve(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    const absl::string_view part = parts[i];
    if (part.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "pattern '", view, "' has an empty token (tokens are separated by single dots)"));
    }
    if (part == "*") {
      tokens.push_back({Kind::kOne, {}});
    } else if (part == ">") {
      if (i + 1 != parts.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("pattern '", view, "': '>' may only be the last token"));
      }
      tokens.push_back({Kind::kRest, {}});
    } else if (part.find_first_of("*>") != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("pattern '", view, "': the wildcards '*' and '>' must be a whole token (",
                       "as in 'orders.*'), not part of '", part, "'"));
    } else {
      tokens.push_back({Kind::kLiteral, std::string(part)});
    }
  }
  return SubjectPattern(std::string(text), std::move(tokens));
}

bool SubjectPattern::Matches(std::string_view subject) const {
  size_t pos = 0;  // start of the subject's next token
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (pos > subject.size()) return false;  // the subject ran out of tokens
    const Token& token = tokens_[i];
    if (token.kind == Kind::kRest) {
      // One or more non-empty tokens remain.
      std::string_view rest = subject.substr(pos);
      if (rest.empty()) return false;
      for (absl::string_view part :
           absl::StrSplit(absl::string_view(rest.data(), rest.size()), '.')) {
        if (part.empty()) return false;
      }
      return true;
    }
    size_t end = subject.find('.', pos);
    if (end == std::string_view::npos) end = subject.size();
    const std::string_view part = subject.substr(pos, end - pos);
    if (token.kind == Kind::kOne ? part.empty() : part != token.literal) return false;
    pos = end + 1;  // past the dot; subject.size() + 1 when this was the last token
  }
  return pos == subject.size() + 1;  // every subject token consumed
}

}  // namespace liminal::auth
