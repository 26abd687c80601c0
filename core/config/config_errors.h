// ConfigErrors: collects every problem found in a configuration, each tagged with the key it
// concerns, so the operator sees all of them at once instead of fixing one per restart.
//
//   ConfigErrors errors;
//   errors.Add("channels[1].name", "must not be empty");
//   errors.Add("drain_timeout_ms", "must be > 0, got 0");
//   absl::Status s = errors.ToStatus();
//   // INVALID_ARGUMENT, one error per line:
//   //   invalid configuration (2 errors):
//   //     - channels[1].name: must not be empty
//   //     - drain_timeout_ms: must be > 0, got 0
//
// Keys are written as full paths: `listen`, `auth.tokens[0]`, `channels[1].retention.max_bytes`
// (indexes count from 0, in file order).
#ifndef LIMINAL_CORE_CONFIG_CONFIG_ERRORS_H_
#define LIMINAL_CORE_CONFIG_CONFIG_ERRORS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace liminal::config {

class ConfigErrors {
 public:
  // Records "key: message". An empty key records the message alone.
  void Add(absl::string_view key, absl::string_view message);

  // Records every error of `other` in order.
  void Append(const ConfigErrors& other);

  bool empty() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }

  // OK when empty; otherwise one INVALID_ARGUMENT status naming every error in the order
  // they were added ("invalid configuration: <error>" for a single one). A non-empty `source` (the
  // config file) is named in the message: "invalid configuration in /etc/liminald.toml (2 errors):
  // ...".
  absl::Status ToStatus(absl::string_view source = {}) const;

 private:
  std::vector<std::string> errors_;
};

}  // namespace liminal::config

#endif  // LIMINAL_CORE_CONFIG_CONFIG_ERRORS_H_
