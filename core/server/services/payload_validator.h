// PayloadValidator: the check a channel with a JSON Schema applies to every published payload
// (server-behaviour.md §2). Core cannot link a JSON library, so the services only see this
// interface; the daemon supplies the valijson-backed implementation (daemon/json/).
//
//   class AcceptsBraces : public PayloadValidator {
//     absl::Status Validate(std::string_view payload) const override {
//       if (payload.empty() || payload.front() != '{') {
//         return absl::InvalidArgumentError("payload is not a JSON object");
//       }
//       return absl::OkStatus();
//     }
//   };
//
// A non-OK status rejects the publish with PublishError [E_SCHEMA_INVALID]; its message (the
// validator's first error) is quoted in the error text, so write it for the publisher.
#ifndef LIMINAL_CORE_SERVER_SERVICES_PAYLOAD_VALIDATOR_H_
#define LIMINAL_CORE_SERVER_SERVICES_PAYLOAD_VALIDATOR_H_

#include <string_view>

#include "absl/status/status.h"

namespace liminal::server::services {

class PayloadValidator {
 public:
  virtual ~PayloadValidator() = default;
  // OK when `payload` is acceptable. Called concurrently from many connections: must be
  // thread-safe and must not block.
  virtual absl::Status Validate(std::string_view payload) const = 0;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_PAYLOAD_VALIDATOR_H_
