// valijson reports errors by throwing only when VALIJSON_USE_EXCEPTIONS is set (otherwise it
// aborts); <stdexcept> must come first because valijson includes it inside its namespace.
#include <stdexcept>
#define VALIJSON_USE_EXCEPTIONS 1

#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "absl/strings/str_cat.h"
#include "daemon/json/json_schema_validator.h"

namespace liminal::daemon {
namespace {

// "[json.exception.parse_error.101] parse error at line 1, ..." -> "parse error at line 1, ..."
std::string WithoutExceptionTag(const char* what) {
  std::string text(what);
  if (!text.empty() && text.front() == '[') {
    const size_t end = text.find("] ");
    if (end != std::string::npos) text.erase(0, end + 2);
  }
  return text;
}

// valijson's context ["<root>", "[items]", "[0]"] as a JSON Pointer ("/items/0").
std::string PointerOf(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& element : context) {
    if (element == "<root>") continue;
    std::string token = element;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    std::string escaped;
    for (char c : token) {
      if (c == '~') {
        escaped += "~0";
      } else if (c == '/') {
        escaped += "~1";
      } else {
        escaped += c;
      }
    }
    absl::StrAppend(&pointer, "/", escaped);
  }
  return pointer.empty() ? "/" : pointer;
}

}  // namespace

size_t JsonNestingDepth(std::string_view json, size_t limit) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

JsonSchemaValidator::JsonSchemaValidator(std::unique_ptr<valijson::Schema> schema)
    : schema_(std::move(schema)) {}

JsonSchemaValidator::~JsonSchemaValidator() = default;

absl::StatusOr<std::shared_ptr<const JsonSchemaValidator>> JsonSchemaValidator::Create(
    std::string_view schema_document) {
  try {
    const nlohmann::json document = nlohmann::json::parse(schema_document);
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, *schema);  // no fetch function: remote $refs throw
    return std::shared_ptr<const JsonSchemaValidator>(new JsonSchemaValidator(std::move(schema)));
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("schema is not valid JSON: ", WithoutExceptionTag(e.what())));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("schema is not usable: ", e.what()));
  }
}

absl::Status JsonSchemaValidator::Validate(std::string_view payload) const {
  if (JsonNestingDepth(payload, kMaxValidatedDepth) > kMaxValidatedDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload nests deeper than ", kMaxValidatedDepth, " levels"));
  }
  try {
    const nlohmann::json document = nlohmann::json::parse(payload);
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(document);
    if (validator.validate(*schema_, target, &results)) return absl::OkStatus();
    valijson::ValidationResults::Error first;
    if (!results.popError(first)) {
      return absl::InvalidArgumentError("payload does not match the schema");
    }
    return absl::InvalidArgumentError(
        absl::StrCat(PointerOf(first.context), ": ", first.description));
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload is not valid JSON: ", WithoutExceptionTag(e.what())));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("payload could not be validated: ", e.what()));
  }
}

}  // namespace liminal::daemon
