#include "core/server/services/routing/predicate_expr.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace liminal::server::services {
namespace {

void AppendQuoted(const std::string& text, std::string& out) {
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\r':
        out.append("\\r");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", static_cast<unsigned>(c));
          out.append(buffer);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void AppendLiteral(const PredicateLiteral& literal, std::string& out) {
  switch (literal.kind) {
    case PredicateLiteral::Kind::kNull:
      out.append("null");
      return;
    case PredicateLiteral::Kind::kBool:
      out.append(literal.boolean ? "true" : "false");
      return;
    case PredicateLiteral::Kind::kNumber:
      if (literal.integer.has_value()) {
        absl::StrAppend(&out, *literal.integer);
      } else {
        char buffer[32];
        std::snprintf(buffer, sizeof(buffer), "%.17g", literal.number);
        out.append(buffer);
      }
      return;
    case PredicateLiteral::Kind::kString:
      AppendQuoted(literal.string, out);
      return;
  }
}

void Append(const PredicateExpr& expr, std::string& out) {
  switch (expr.kind) {
    case PredicateExpr::Kind::kAnd:
    case PredicateExpr::Kind::kOr: {
      const char* separator = expr.kind == PredicateExpr::Kind::kAnd ? " and " : " or ";
      out.push_back('(');
      for (size_t i = 0; i < expr.operands.size(); ++i) {
        if (i > 0) out.append(separator);
        Append(expr.operands[i], out);
      }
      out.push_back(')');
      return;
    }
    case PredicateExpr::Kind::kNot:
      out.append("not ");
      if (!expr.operands.empty()) Append(expr.operands.front(), out);
      return;
    case PredicateExpr::Kind::kExists:
      absl::StrAppend(&out, "exists(", absl::StrJoin(expr.path, "."), ")");
      return;
    case PredicateExpr::Kind::kCompare:
      absl::StrAppend(&out, absl::StrJoin(expr.path, "."), " ", std::string(CompareOpText(expr.op)),
                      " ");
      AppendLiteral(expr.literal, out);
      return;
  }
}

}  // namespace

std::string_view CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "==";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

std::string PredicateToString(const PredicateExpr& expr) {
  std::string out;
  Append(expr, out);
  return out;
}

}  // namespace liminal::server::services
