// LiminalCli: runs the built `liminal` binary (LIMINAL_BINARY_DIR/tools/liminal) for the CLI
// end-to-end tests, either to completion or in the background, with optional stdin text
// and extra environment. Every wait has a deadline; nothing sleeps.
//
//   LiminalCli cli(daemon->listen().ToString());      // adds --server to every run
//   absl::StatusOr<CliRun> run = cli.Run({"pub", "events", "hello"});
//   run->exit_code; run->out; run->err; run->OutLines();
//
//   absl::StatusOr<std::unique_ptr<e2e::Subprocess>> sub = cli.Start({"sub", "events"});
//   (*sub)->WaitForStderrLine("subscribed", kDeadline);
//
// LiminalCli::NoServer() adds no --server (for tests of --server / LIMINAL_SERVER).
#ifndef LIMINAL_TESTS_E2E_CLI_LIMINAL_CLI_H_
#define LIMINAL_TESTS_E2E_CLI_LIMINAL_CLI_H_

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/support/subprocess.h"
#include "tests/e2e/support/temp_dir.h"

namespace liminal::e2e {

inline constexpr std::chrono::milliseconds kCliDeadline{20000};

std::filesystem::path LiminalBinary();

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;

  // stdout split into lines (no empty last line).
  std::vector<std::string> OutLines() const;
  // Every stdout line parsed as JSON (a line that is not JSON becomes a discarded value).
  std::vector<nlohmann::json> OutJson() const;
};

struct CliOptions {
  std::map<std::string, std::string> env{};
  std::optional<std::string> stdin_text{};  // piped in through a file (default: /dev/null)
};

class LiminalCli {
 public:
  explicit LiminalCli(std::string server) : server_(std::move(server)) {}
  static LiminalCli NoServer() { return LiminalCli(""); }

  // Runs `liminal <args...> [--server S]` to completion.
  absl::StatusOr<CliRun> Run(std::vector<std::string> args, CliOptions options = {},
                             std::chrono::milliseconds timeout = kCliDeadline) const;

  // Starts `liminal <args...> [--server S]` in the background.
  absl::StatusOr<std::unique_ptr<Subprocess>> Start(std::vector<std::string> args,
                                                    CliOptions options = {}) const;

 private:
  std::vector<std::string> WithServer(std::vector<std::string> args) const;

  std::string server_;
  // Holds the stdin files of the runs.
  mutable std::optional<TempDir> stdin_dir_;
  mutable int stdin_files_ = 0;
};

}  // namespace liminal::e2e

#endif  // LIMINAL_TESTS_E2E_CLI_LIMINAL_CLI_H_
