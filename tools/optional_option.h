// Adding a CLI11 option whose value lands in a std::optional: set when the option is given,
// left empty otherwise (for the commands, "not given" differs from every value).
//
//   std::optional<uint64_t> count;
//   AddOptionalOption(*sub, "--count,-n", count, "Stop after N deliveries")
//       ->check(CLI::PositiveNumber);
//
// `out` must outlive parsing.
#ifndef LIMINAL_TOOLS_OPTIONAL_OPTION_H_
#define LIMINAL_TOOLS_OPTIONAL_OPTION_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace liminal::tools {

template <typename T>
CLI::Option* AddOptionalOption(CLI::App& app, const std::string& name, std::optional<T>& out,
                               const std::string& description) {
  return app.add_option_function<T>(
      name, [&out](const T& value) { out = value; }, description);
}

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_OPTIONAL_OPTION_H_
