#include "daemon/json/json_predicate.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace liminal::daemon {
namespace {

using server::services::CompareOp;
using server::services::PredicateExpr;
using server::services::PredicateLiteral;

bool IsIndex(const std::string& segment) {
  if (segment.empty() || segment.size() > 18) return false;
  for (char c : segment) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

const nlohmann::json* Resolve(const nlohmann::json& root, const std::vector<std::string>& path) {
  const nlohmann::json* node = &root;
  for (const std::string& segment : path) {
    if (node->is_object()) {
      auto it = node->find(segment);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array() && IsIndex(segment)) {
      const size_t index = std::stoull(segment);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

// -1, 0, 1 like a three-way comparison of a JSON number and a number literal.
int CompareNumbers(const nlohmann::json& value, const PredicateLiteral& literal) {
  if (literal.integer.has_value()) {
    const int64_t rhs = *literal.integer;
    if (value.is_number_unsigned()) {
      const uint64_t lhs = value.get<uint64_t>();
      if (rhs < 0) return 1;
      const uint64_t urhs = static_cast<uint64_t>(rhs);
      return lhs < urhs ? -1 : (lhs > urhs ? 1 : 0);
    }
    if (value.is_number_integer()) {
      const int64_t lhs = value.get<int64_t>();
      return lhs < rhs ? -1 : (lhs > rhs ? 1 : 0);
    }
  }
  const double lhs = value.get<double>();
  const double rhs = literal.number;
  return lhs < rhs ? -1 : (lhs > rhs ? 1 : 0);
}

bool Ordered(int order, CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return order == 0;
    case CompareOp::kNe:
      return order != 0;
    case CompareOp::kLt:
      return order < 0;
    case CompareOp::kLe:
      return order <= 0;
    case CompareOp::kGt:
      return order > 0;
    case CompareOp::kGe:
      return order >= 0;
  }
  return false;
}

bool Compare(const nlohmann::json& value, CompareOp op, const PredicateLiteral& literal) {
  const bool equality = op == CompareOp::kEq || op == CompareOp::kNe;
  // For a type mismatch, == is false and != is true; ordering is false.
  const bool mismatch = op == CompareOp::kNe;
  switch (literal.kind) {
    case PredicateLiteral::Kind::kNull:
      return equality && (value.is_null() == (op == CompareOp::kEq));
    case PredicateLiteral::Kind::kBool:
      if (!value.is_boolean()) return equality && mismatch;
      return equality && ((value.get<bool>() == literal.boolean) == (op == CompareOp::kEq));
    case PredicateLiteral::Kind::kNumber:
      if (!value.is_number()) return equality && mismatch;
      return Ordered(CompareNumbers(value, literal), op);
    case PredicateLiteral::Kind::kString: {
      if (!value.is_string()) return equality && mismatch;
      const int order = value.get_ref<const std::string&>().compare(literal.string);
      return Ordered(order < 0 ? -1 : (order > 0 ? 1 : 0), op);
    }
  }
  return false;
}

bool Evaluate(const PredicateExpr& expr, const nlohmann::json& root) {
  switch (expr.kind) {
    case PredicateExpr::Kind::kAnd:
      for (const PredicateExpr& operand : expr.operands) {
        if (!Evaluate(operand, root)) return false;
      }
      return true;
    case PredicateExpr::Kind::kOr:
      for (const PredicateExpr& operand : expr.operands) {
        if (Evaluate(operand, root)) return true;
      }
      return false;
    case PredicateExpr::Kind::kNot:
      return expr.operands.size() == 1 && !Evaluate(expr.operands.front(), root);
    case PredicateExpr::Kind::kExists:
      return Resolve(root, expr.path) != nullptr;
    case PredicateExpr::Kind::kCompare: {
      const nlohmann::json* value = Resolve(root, expr.path);
      return value != nullptr && Compare(*value, expr.op, expr.literal);
    }
  }
  return false;
}

}  // namespace

bool JsonPredicate::Matches(std::string_view payload) const {
  const nlohmann::json document =
      nlohmann::json::parse(payload.begin(), payload.end(), /*cb=*/nullptr,
                            /*allow_exceptions=*/false);
  if (document.is_discarded()) return false;
  return Evaluate(expr_, document);
}

}  // namespace liminal::daemon
