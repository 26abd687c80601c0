// JsonSchemaValidator: the PayloadValidator of a channel with a JSON Schema
// (server-behaviour.md §2), built on valijson with its nlohmann adapter. Compiled once from
// the schema document at startup; Validate is thread-safe.
//
//   absl::StatusOr<std::shared_ptr<const JsonSchemaValidator>> v =
//       JsonSchemaValidator::Create(R"({"type":"object","required":["id"]})");
//   absl::Status s = (*v)->Validate(R"({"name":"x"})");
//   // INVALID_ARGUMENT: "/: Missing required property 'id'."
//
// The error is the validator's first error, prefixed with the JSON Pointer of the offending
// value ("/items/0/qty: Value -1 is less than minimum 0"). A payload that is not JSON fails
// with the parser's position, and one nested deeper than kMaxValidatedDepth levels fails
// without being validated (this bounds the validator's recursion). Schemas may use `$ref`
// within the document only; remote references are refused at Create.
#ifndef LIMINAL_DAEMON_JSON_JSON_SCHEMA_VALIDATOR_H_
#define LIMINAL_DAEMON_JSON_JSON_SCHEMA_VALIDATOR_H_

#include <cstddef>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/server/services/payload_validator.h"

namespace valijson {
class Schema;
}

namespace liminal::daemon {

inline constexpr size_t kMaxValidatedDepth = 256;

class JsonSchemaValidator final : public server::services::PayloadValidator {
 public:
  // Fails (InvalidArgument) when the document is not JSON or not a usable JSON Schema.
  static absl::StatusOr<std::shared_ptr<const JsonSchemaValidator>> Create(
      std::string_view schema_document);
  ~JsonSchemaValidator() override;

  absl::Status Validate(std::string_view payload) const override;

 private:
  explicit JsonSchemaValidator(std::unique_ptr<valijson::Schema> schema);
  std::unique_ptr<valijson::Schema> schema_;
};

// The depth of the deepest array/object nesting in `json` (strings are skipped); stops
// counting at `limit` + 1. Exposed for tests.
size_t JsonNestingDepth(std::string_view json, size_t limit);

}  // namespace liminal::daemon

#endif  // LIMINAL_DAEMON_JSON_JSON_SCHEMA_VALIDATOR_H_
