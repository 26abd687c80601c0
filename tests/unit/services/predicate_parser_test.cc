// The routing predicate language: grammar, precedence, literals, canonical printing and
// error messages with columns.
#include "core/server/services/routing/predicate_parser.h"

#include <string>

#include "gtest/gtest.h"

namespace liminal::server::services {
namespace {

std::string Canonical(std::string_view text) {
  absl::StatusOr<PredicateExpr> expr = ParsePredicate(text);
  if (!expr.ok()) return "ERROR: " + std::string(expr.status().message());
  return PredicateToString(*expr);
}

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<PredicateExpr> expr = ParsePredicate(text);
  if (expr.ok()) return "OK: " + PredicateToString(*expr);
  EXPECT_EQ(expr.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(expr.status().message());
}

TEST(PredicateParserTest, Comparisons) {
  EXPECT_EQ(Canonical("qty == 3"), "qty == 3");
  EXPECT_EQ(Canonical("qty!=3"), "qty != 3");
  EXPECT_EQ(Canonical("price < 9.5"), "price < 9.5");
  EXPECT_EQ(Canonical("price <= -1e3"), "price <= -1000");
  EXPECT_EQ(Canonical("a.b.c > 'x'"), "a.b.c > \"x\"");
  EXPECT_EQ(Canonical("items.0.sku >= \"A\""), "items.0.sku >= \"A\"");
  EXPECT_EQ(Canonical("flag == true"), "flag == true");
  EXPECT_EQ(Canonical("flag != false"), "flag != false");
  EXPECT_EQ(Canonical("gone == null"), "gone == null");
  EXPECT_EQ(Canonical("exists( customer.id )"), "exists(customer.id)");
}

TEST(PredicateParserTest, PrecedenceIsNotThenAndThenOr) {
  EXPECT_EQ(Canonical("a == 1 or b == 2 and c == 3"), "(a == 1 or (b == 2 and c == 3))");
  EXPECT_EQ(Canonical("(a == 1 or b == 2) and c == 3"), "((a == 1 or b == 2) and c == 3)");
  EXPECT_EQ(Canonical("not a == 1 and b == 2"), "(not a == 1 and b == 2)");
  EXPECT_EQ(Canonical("not (a == 1 and b == 2)"), "not (a == 1 and b == 2)");
  EXPECT_EQ(Canonical("a == 1 and b == 2 and c == 3"), "(a == 1 and b == 2 and c == 3)");
  EXPECT_EQ(Canonical("!exists(x) || y > 0 && z < 1"), "(not exists(x) or (y > 0 and z < 1))");
  EXPECT_EQ(Canonical("not not a == 1"), "not not a == 1");
}

TEST(PredicateParserTest, TreeShape) {
  absl::StatusOr<PredicateExpr> expr = ParsePredicate("x.y >= 10 and exists(z)");
  ASSERT_TRUE(expr.ok()) << expr.status();
  ASSERT_EQ(expr->kind, PredicateExpr::Kind::kAnd);
  ASSERT_EQ(expr->operands.size(), 2u);
  const PredicateExpr& compare = expr->operands[0];
  EXPECT_EQ(compare.kind, PredicateExpr::Kind::kCompare);
  EXPECT_EQ(compare.path, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(compare.op, CompareOp::kGe);
  EXPECT_EQ(compare.literal.kind, PredicateLiteral::Kind::kNumber);
  EXPECT_EQ(compare.literal.integer, 10);
  EXPECT_EQ(compare.literal.number, 10.0);
  EXPECT_EQ(expr->operands[1].kind, PredicateExpr::Kind::kExists);
  EXPECT_EQ(expr->operands[1].path, (std::vector<std::string>{"z"}));
}

TEST(PredicateParserTest, Literals) {
  absl::StatusOr<PredicateExpr> big = ParsePredicate("n == 12345678901234567890");
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big->literal.integer.has_value());  // does not fit int64: a double
  EXPECT_EQ(big->literal.number, 12345678901234567890.0);
  absl::StatusOr<PredicateExpr> fraction = ParsePredicate("n == 2.0");
  ASSERT_TRUE(fraction.ok());
  EXPECT_FALSE(fraction->literal.integer.has_value());
  absl::StatusOr<PredicateExpr> text =
      ParsePredicate(R"(s == "q\"uote\\ \u00e9 \ud83d\ude00 'single'")");
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->literal.string, "q\"uote\\ \xC3\xA9 \xF0\x9F\x98\x80 'single'");
  absl::StatusOr<PredicateExpr> single = ParsePredicate(R"(s == 'it\'s "x"')");
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_EQ(single->literal.string, "it's \"x\"");
  // Printing round-trips through the parser.
  for (const char* source : {R"(s == "a\"b\n")", "n == 0.1", "n == -7", "(a == 1 or b != 2)"}) {
    absl::StatusOr<PredicateExpr> first = ParsePredicate(source);
    ASSERT_TRUE(first.ok()) << source;
    absl::StatusOr<PredicateExpr> second = ParsePredicate(PredicateToString(*first));
    ASSERT_TRUE(second.ok()) << PredicateToString(*first);
    EXPECT_EQ(*first, *second) << source;
  }
}

TEST(PredicateParserTest, ErrorsNameWhatAndWhere) {
  EXPECT_EQ(ErrorOf(""), "predicate is empty");
  EXPECT_EQ(ErrorOf("   "), "predicate is empty");
  EXPECT_EQ(ErrorOf("qty = 3"), "'=' is not an operator (use '==' to compare) at column 5");
  EXPECT_EQ(ErrorOf("qty =="),
            "expected a value after '==', got the end of the predicate at column 7");
  EXPECT_EQ(ErrorOf("qty"),
            "expected a comparison operator after 'qty', got the end of the predicate at column 4");
  EXPECT_EQ(ErrorOf("3 < qty"),
            "expected a field path, got the value '3' (comparisons put the field first: price > "
            "10) at column 1");
  EXPECT_EQ(ErrorOf("flag < true"),
            "operator '<' needs a number or a string, got true at column 8");
  EXPECT_EQ(ErrorOf("a == 1 b == 2"), "expected 'and', 'or' or the end, got 'b' at column 8");
  EXPECT_EQ(ErrorOf("(a == 1"), "expected ')', got the end of the predicate at column 8");
  EXPECT_EQ(ErrorOf("exists a"), "expected '(' after exists, got 'a' at column 8");
  EXPECT_EQ(ErrorOf("exists(1)"), "expected a field path inside exists(), got '1' at column 8");
  EXPECT_EQ(ErrorOf("a..b == 1"), "empty segment in field path 'a..b' at column 3");
  EXPECT_EQ(ErrorOf("a. == 1"), "empty segment in field path 'a.' at column 3");
  EXPECT_EQ(ErrorOf("s == \"open"), "unterminated string at column 6");
  EXPECT_EQ(ErrorOf("s == \"\\x\""), "unknown escape '\\x' at column 7");
  EXPECT_EQ(ErrorOf("s == \"\\ud800\""), "unpaired surrogate in \\u escape at column 7");
  EXPECT_EQ(ErrorOf("n == 01"), "numbers must not have leading zeros at column 6");
  EXPECT_EQ(ErrorOf("n == 1."), "expected a digit after the decimal point at column 8");
  EXPECT_EQ(ErrorOf("n == 1e"), "expected a digit in the exponent at column 8");
  EXPECT_EQ(ErrorOf("n == 1e999"), "number '1e999' is out of range at column 6");
  EXPECT_EQ(ErrorOf("n == 12abc"), "unexpected character after a number at column 8");
  EXPECT_EQ(ErrorOf("a == 1 and"),
            "expected a comparison, exists(...), 'not' or '(', got the end of the predicate at "
            "column 11");
  EXPECT_EQ(ErrorOf("a == 1 # x"), "unexpected character '#' at column 8");
  EXPECT_EQ(ErrorOf("and == 1"),
            "expected a comparison, exists(...), 'not' or '(', got 'and' at column 1");
}

TEST(PredicateParserTest, NestingIsBounded) {
  std::string deep;
  for (size_t i = 0; i < kMaxPredicateDepth - 1; ++i) deep += "(";
  deep += "a == 1";
  for (size_t i = 0; i < kMaxPredicateDepth - 1; ++i) deep += ")";
  EXPECT_TRUE(ParsePredicate(deep).ok());
  EXPECT_NE(ErrorOf("(" + deep + ")").find("nests deeper than 64"), std::string::npos);
  std::string nots;
  for (size_t i = 0; i < 200; ++i) nots += "not ";
  EXPECT_NE(ErrorOf(nots + "a == 1").find("nests deeper than 64"), std::string::npos);
}

}  // namespace
}  // namespace liminal::server::services
