// JsonSchemaValidator: valijson behind the PayloadValidator interface.
#include "daemon/json/json_schema_validator.h"

#include <string>

#include "gtest/gtest.h"

namespace liminal::daemon {
namespace {

constexpr char kOrderSchema[] = R"({
  "type": "object",
  "required": ["id", "items"],
  "properties": {
    "id": {"type": "string"},
    "items": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {"qty": {"type": "integer", "minimum": 1}}
      }
    }
  }
})";

std::shared_ptr<const JsonSchemaValidator> Make(std::string_view schema) {
  absl::StatusOr<std::shared_ptr<const JsonSchemaValidator>> validator =
      JsonSchemaValidator::Create(schema);
  EXPECT_TRUE(validator.ok()) << validator.status();
  return validator.ok() ? *validator : nullptr;
}

std::string ErrorOf(const JsonSchemaValidator& validator, std::string_view payload) {
  absl::Status status = validator.Validate(payload);
  if (status.ok()) return "OK";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

TEST(JsonSchemaValidatorTest, AcceptsValidPayloads) {
  auto validator = Make(kOrderSchema);
  ASSERT_NE(validator, nullptr);
  EXPECT_EQ(ErrorOf(*validator, R"({"id":"o-1","items":[{"qty":2},{"qty":1}]})"), "OK");
  EXPECT_EQ(ErrorOf(*validator, R"({"id":"o-1","items":[]})"), "OK");
}

TEST(JsonSchemaValidatorTest, ReportsTheFirstErrorWithItsLocation) {
  auto validator = Make(kOrderSchema);
  ASSERT_NE(validator, nullptr);
  const std::string missing = ErrorOf(*validator, R"({"id":"o-1"})");
  EXPECT_EQ(missing.rfind("/: ", 0), 0u) << missing;
  EXPECT_NE(missing.find("items"), std::string::npos) << missing;
  const std::string below = ErrorOf(*validator, R"({"id":"o-1","items":[{"qty":1},{"qty":0}]})");
  EXPECT_EQ(below.rfind("/items/1/qty: ", 0), 0u) << below;
  EXPECT_NE(below.find("greater than or equal to 1"), std::string::npos) << below;
  const std::string type = ErrorOf(*validator, R"({"id":7,"items":[]})");
  EXPECT_EQ(type.rfind("/id: ", 0), 0u) << type;
}

TEST(JsonSchemaValidatorTest, NonJsonPayloadsFailWithTheParserPosition) {
  auto validator = Make(R"({})");
  ASSERT_NE(validator, nullptr);
  EXPECT_EQ(ErrorOf(*validator, "{}"), "OK");
  const std::string error = ErrorOf(*validator, "{\"a\": nope}");
  EXPECT_EQ(error.rfind("payload is not valid JSON: parse error at line 1, column 8", 0), 0u)
      << error;
  EXPECT_NE(ErrorOf(*validator, std::string("\"\xff\"")).find("not valid JSON"), std::string::npos);
}

TEST(JsonSchemaValidatorTest, DeepNestingIsRefusedBeforeValidation) {
  auto validator = Make(R"({"$ref": "#/definitions/node", "definitions": {"node":
      {"type": "array", "items": {"$ref": "#/definitions/node"}}}})");
  ASSERT_NE(validator, nullptr);
  EXPECT_EQ(ErrorOf(*validator, "[[[]]]"), "OK");  // a local, recursive $ref works
  std::string deep(kMaxValidatedDepth + 1, '[');
  deep += std::string(kMaxValidatedDepth + 1, ']');
  EXPECT_EQ(ErrorOf(*validator, deep), "payload nests deeper than 256 levels");
  std::string ok(kMaxValidatedDepth, '[');
  ok += std::string(kMaxValidatedDepth, ']');
  EXPECT_EQ(ErrorOf(*validator, ok), "OK");
  EXPECT_EQ(JsonNestingDepth(R"({"s": "[[[[", "a": [{}]})", 10), 3u);
  EXPECT_EQ(JsonNestingDepth(R"(["\"[[", 1])", 10), 1u);
}

TEST(JsonSchemaValidatorTest, UnusableSchemasAreRefusedAtCreate) {
  absl::StatusOr<std::shared_ptr<const JsonSchemaValidator>> not_json =
      JsonSchemaValidator::Create("{type: object}");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.status().message().rfind("schema is not valid JSON: parse error", 0), 0u)
      << not_json.status();
  absl::StatusOr<std::shared_ptr<const JsonSchemaValidator>> remote =
      JsonSchemaValidator::Create(R"({"$ref": "https://example.com/schema.json"})");
  ASSERT_FALSE(remote.ok());
  EXPECT_EQ(remote.status().message().rfind("schema is not usable: ", 0), 0u) << remote.status();
  absl::StatusOr<std::shared_ptr<const JsonSchemaValidator>> bad_type =
      JsonSchemaValidator::Create(R"({"type": 12})");
  EXPECT_FALSE(bad_type.ok());
}

}  // namespace
}  // namespace liminal::daemon
