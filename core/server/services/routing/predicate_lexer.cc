#include "core/server/services/routing/predicate_lexer.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace liminal::server::services {
namespace {

using Kind = PredicateToken::Kind;

bool IsWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c); }

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace

absl::Status PredicateLexer::Error(size_t offset, absl::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat(what, " at column ", offset + 1));
}

absl::StatusOr<std::vector<PredicateToken>> PredicateLexer::Tokenize() {
  std::vector<PredicateToken> tokens;
  for (;;) {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
    PredicateToken token;
    token.column = pos_ + 1;
    if (pos_ == text_.size()) {
      token.kind = Kind::kEnd;
      tokens.push_back(std::move(token));
      return tokens;
    }
    const size_t start = pos_;
    const char c = text_[pos_];
    const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    absl::Status status;
    if (IsWordStart(c)) {
      status = LexWord(token);
    } else if (IsDigit(c) || (c == '-' && IsDigit(next))) {
      status = LexNumber(token);
    } else if (c == '"' || c == '\'') {
      status = LexString(token);
    } else if (c == '(' || c == ')') {
      token.kind = c == '(' ? Kind::kLeftParen : Kind::kRightParen;
      ++pos_;
    } else if (c == '=' && next == '=') {
      token.kind = Kind::kCompare;
      token.op = CompareOp::kEq;
      pos_ += 2;
    } else if (c == '!' && next == '=') {
      token.kind = Kind::kCompare;
      token.op = CompareOp::kNe;
      pos_ += 2;
    } else if (c == '<' || c == '>') {
      token.kind = Kind::kCompare;
      const bool or_equal = next == '=';
      token.op = c == '<' ? (or_equal ? CompareOp::kLe : CompareOp::kLt)
                          : (or_equal ? CompareOp::kGe : CompareOp::kGt);
      pos_ += or_equal ? 2 : 1;
    } else if (c == '!') {
      token.kind = Kind::kNot;
      ++pos_;
    } else if (c == '&' && next == '&') {
      token.kind = Kind::kAnd;
      pos_ += 2;
    } else if (c == '|' && next == '|') {
      token.kind = Kind::kOr;
      pos_ += 2;
    } else if (c == '=') {
      return Error(start, "'=' is not an operator (use '==' to compare)");
    } else {
      return Error(start, absl::StrCat("unexpected character '", std::string(1, c), "'"));
    }
    if (!status.ok()) return status;
    token.text = std::string(text_.substr(start, pos_ - start));
    tokens.push_back(std::move(token));
  }
}

absl::Status PredicateLexer::LexWord(PredicateToken& token) {
  const size_t start = pos_;
  while (pos_ < text_.size() && (IsWordChar(text_[pos_]) || text_[pos_] == '.')) ++pos_;
  const std::string_view word = text_.substr(start, pos_ - start);
  if (word == "and") {
    token.kind = Kind::kAnd;
  } else if (word == "or") {
    token.kind = Kind::kOr;
  } else if (word == "not") {
    token.kind = Kind::kNot;
  } else if (word == "exists") {
    token.kind = Kind::kExists;
  } else if (word == "true" || word == "false") {
    token.kind = word == "true" ? Kind::kTrue : Kind::kFalse;
  } else if (word == "null") {
    token.kind = Kind::kNull;
  } else {
    token.kind = Kind::kPath;
    size_t offset = start;
    for (absl::string_view segment :
         absl::StrSplit(absl::string_view(word.data(), word.size()), '.')) {
      if (segment.empty()) {
        return Error(offset, absl::StrCat("empty segment in field path '", std::string(word), "'"));
      }
      token.path.emplace_back(segment);
      offset += segment.size() + 1;
    }
  }
  return absl::OkStatus();
}

absl::Status PredicateLexer::LexNumber(PredicateToken& token) {
  // JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  const size_t start = pos_;
  if (text_[pos_] == '-') ++pos_;
  if (text_[pos_] == '0') {
    ++pos_;
    if (pos_ < text_.size() && IsDigit(text_[pos_])) {
      return Error(start, "numbers must not have leading zeros");
    }
  } else {
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  }
  bool integral = true;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    integral = false;
    ++pos_;
    if (pos_ == text_.size() || !IsDigit(text_[pos_])) {
      return Error(pos_, "expected a digit after the decimal point");
    }
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    integral = false;
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (pos_ == text_.size() || !IsDigit(text_[pos_])) {
      return Error(pos_, "expected a digit in the exponent");
    }
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && (IsWordStart(text_[pos_]) || text_[pos_] == '.')) {
    return Error(pos_, "unexpected character after a number");
  }
  const absl::string_view digits(text_.data() + start, pos_ - start);
  token.kind = Kind::kNumber;
  token.literal.kind = PredicateLiteral::Kind::kNumber;
  if (!absl::SimpleAtod(digits, &token.literal.number) || !std::isfinite(token.literal.number)) {
    return Error(start, absl::StrCat("number '", digits, "' is out of range"));
  }
  int64_t integer = 0;
  if (integral && absl::SimpleAtoi(digits, &integer)) token.literal.integer = integer;
  return absl::OkStatus();
}

absl::Status PredicateLexer::LexString(PredicateToken& token) {
  const size_t start = pos_;
  const char quote = text_[pos_++];
  std::string value;
  for (;;) {
    if (pos_ == text_.size()) return Error(start, "unterminated string");
    const char c = text_[pos_];
    if (c == quote) {
      ++pos_;
      break;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      return Error(pos_, "control character in string (escape it)");
    }
    if (c != '\\') {
      value.push_back(c);
      ++pos_;
      continue;
    }
    if (pos_ + 1 == text_.size()) return Error(start, "unterminated string");
    const char escape = text_[pos_ + 1];
    pos_ += 2;
    switch (escape) {
      case '"':
      case '\'':
      case '\\':
      case '/':
        value.push_back(escape);
        break;
      case 'b':
        value.push_back('\b');
        break;
      case 'f':
        value.push_back('\f');
        break;
      case 'n':
        value.push_back('\n');
        break;
      case 'r':
        value.push_back('\r');
        break;
      case 't':
        value.push_back('\t');
        break;
      case 'u': {
        auto read_hex = [&](uint32_t& out) -> bool {
          if (pos_ + 4 > text_.size()) return false;
          out = 0;
          for (size_t i = 0; i < 4; ++i) {
            const char h = text_[pos_ + i];
            out <<= 4;
            if (h >= '0' && h <= '9') {
              out |= static_cast<uint32_t>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
              out |= static_cast<uint32_t>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
              out |= static_cast<uint32_t>(h - 'A' + 10);
            } else {
              return false;
            }
          }
          pos_ += 4;
          return true;
        };
        const size_t escape_start = pos_ - 2;
        uint32_t code_point = 0;
        if (!read_hex(code_point)) return Error(escape_start, "\\u needs four hex digits");
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
          uint32_t low = 0;
          if (pos_ + 1 >= text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') {
            return Error(escape_start, "unpaired surrogate in \\u escape");
          }
          pos_ += 2;
          if (!read_hex(low) || low < 0xDC00 || low > 0xDFFF) {
            return Error(escape_start, "unpaired surrogate in \\u escape");
          }
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
          return Error(escape_start, "unpaired surrogate in \\u escape");
        }
        AppendUtf8(code_point, value);
        break;
      }
      default:
        return Error(pos_ - 2, absl::StrCat("unknown escape '\\", std::string(1, escape), "'"));
    }
  }
  token.kind = Kind::kString;
  token.literal.kind = PredicateLiteral::Kind::kString;
  token.literal.string = std::move(value);
  return absl::OkStatus();
}

}  // namespace liminal::server::services
