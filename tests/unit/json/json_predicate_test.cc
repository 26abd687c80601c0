// JsonPredicate: the routing predicate language evaluated against JSON payloads.
#include "daemon/json/json_predicate.h"

#include <string>

#include "core/server/services/routing/predicate_parser.h"
#include "gtest/gtest.h"

namespace liminal::daemon {
namespace {

bool Match(std::string_view predicate, std::string_view payload) {
  absl::StatusOr<server::services::PredicateExpr> expr =
      server::services::ParsePredicate(predicate);
  EXPECT_TRUE(expr.ok()) << predicate << ": " << expr.status();
  if (!expr.ok()) return false;
  return JsonPredicate(*std::move(expr)).Matches(payload);
}

constexpr char kOrder[] = R"({
  "id": "o-17", "total": 250, "price": 9.5, "big": 18446744073709551615, "neg": -3,
  "region": "eu", "rush": true, "note": null,
  "customer": {"id": "c-1", "tier": "gold"},
  "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 0}]
})";

TEST(JsonPredicateTest, Numbers) {
  EXPECT_TRUE(Match("total == 250", kOrder));
  EXPECT_TRUE(Match("total == 250.0", kOrder));
  EXPECT_TRUE(Match("total > 100", kOrder));
  EXPECT_FALSE(Match("total < 100", kOrder));
  EXPECT_TRUE(Match("total >= 250 and total <= 250", kOrder));
  EXPECT_TRUE(Match("price > 9 and price < 10", kOrder));
  EXPECT_TRUE(Match("price != 9", kOrder));
  EXPECT_TRUE(Match("neg < 0 and neg == -3", kOrder));
  EXPECT_TRUE(Match("big > 9223372036854775807", kOrder));  // unsigned beyond int64, exact
  EXPECT_TRUE(Match("big > -1", kOrder));
  EXPECT_FALSE(Match("big == 9223372036854775807", kOrder));
}

TEST(JsonPredicateTest, StringsBoolsAndNull) {
  EXPECT_TRUE(Match("region == \"eu\"", kOrder));
  EXPECT_TRUE(Match("region != 'us'", kOrder));
  EXPECT_TRUE(Match("region < \"f\" and region > \"ea\"", kOrder));
  EXPECT_TRUE(Match("rush == true", kOrder));
  EXPECT_FALSE(Match("rush == false", kOrder));
  EXPECT_TRUE(Match("rush != false", kOrder));
  EXPECT_TRUE(Match("note == null", kOrder));
  EXPECT_FALSE(Match("note != null", kOrder));
  EXPECT_TRUE(Match("region != null", kOrder));
}

TEST(JsonPredicateTest, TypeMismatches) {
  EXPECT_FALSE(Match("id == 17", kOrder));
  EXPECT_TRUE(Match("id != 17", kOrder));
  EXPECT_FALSE(Match("id > 1", kOrder));
  EXPECT_FALSE(Match("total == \"250\"", kOrder));
  EXPECT_FALSE(Match("total < \"z\"", kOrder));
  EXPECT_FALSE(Match("rush == 1", kOrder));
  EXPECT_FALSE(Match("customer == \"c-1\"", kOrder));
}

TEST(JsonPredicateTest, PathsArraysAndExists) {
  EXPECT_TRUE(Match("customer.tier == \"gold\"", kOrder));
  EXPECT_TRUE(Match("items.0.sku == \"A-1\"", kOrder));
  EXPECT_TRUE(Match("items.1.qty == 0", kOrder));
  EXPECT_FALSE(Match("exists(items.2)", kOrder));
  EXPECT_TRUE(Match("exists(items.1)", kOrder));
  EXPECT_TRUE(Match("exists(note)", kOrder));  // present, even though null
  EXPECT_FALSE(Match("exists(customer.id.deeper)", kOrder));
  EXPECT_FALSE(Match("exists(region.0)", kOrder));
}

TEST(JsonPredicateTest, MissingFieldsMakeEveryComparisonFalse) {
  EXPECT_FALSE(Match("missing == 1", kOrder));
  EXPECT_FALSE(Match("missing != 1", kOrder));
  EXPECT_FALSE(Match("missing == null", kOrder));
  EXPECT_TRUE(Match("not exists(missing) or missing != 1", kOrder));
  EXPECT_TRUE(Match("not missing == 1", kOrder));
}

TEST(JsonPredicateTest, BooleanStructure) {
  EXPECT_TRUE(Match("region == \"us\" or total > 100 and rush == true", kOrder));
  EXPECT_FALSE(Match("(region == \"us\" or total > 100) and rush == false", kOrder));
  EXPECT_TRUE(Match("!(customer.tier == \"silver\") && exists(customer)", kOrder));
}

TEST(JsonPredicateTest, NonJsonAndNonObjectPayloads) {
  EXPECT_FALSE(Match("total > 1", "not json"));
  EXPECT_FALSE(Match("total > 1", ""));
  EXPECT_FALSE(Match("total > 1", "{\"total\": 5"));
  EXPECT_FALSE(Match("total > 1", "[5]"));
  EXPECT_TRUE(Match("not exists(total)", "42"));
}

}  // namespace
}  // namespace liminal::daemon
