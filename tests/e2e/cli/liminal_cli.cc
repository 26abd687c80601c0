#include "tests/e2e/cli/liminal_cli.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace liminal::e2e {

std::filesystem::path LiminalBinary() {
  return std::filesystem::path(LIMINAL_BINARY_DIR) / "tools" / "liminal";
}

std::vector<std::string> CliRun::OutLines() const {
  std::vector<std::string> lines = absl::StrSplit(out, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::vector<nlohmann::json> CliRun::OutJson() const {
  std::vector<nlohmann::json> values;
  for (const std::string& line : OutLines()) {
    values.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
  }
  return values;
}

std::vector<std::string> LiminalCli::WithServer(std::vector<std::string> args) const {
  if (!server_.empty()) {
    args.push_back("--server");
    args.push_back(server_);
  }
  return args;
}

absl::StatusOr<std::unique_ptr<Subprocess>> LiminalCli::Start(std::vector<std::string> args,
                                                              CliOptions options) const {
  SubprocessOptions spawn{.binary = LiminalBinary(),
                          .args = WithServer(std::move(args)),
                          .env = std::move(options.env)};
  if (options.stdin_text.has_value()) {
    // Subprocess gives the child /dev/null as stdin: go through sh to redirect from a file.
    if (!stdin_dir_.has_value()) {
      absl::StatusOr<TempDir> dir = TempDir::Create("liminal-cli-stdin");
      if (!dir.ok()) return dir.status();
      stdin_dir_.emplace(*std::move(dir));
    }
    absl::StatusOr<std::filesystem::path> file =
        stdin_dir_->WriteFile(absl::StrCat("stdin-", stdin_files_++), *options.stdin_text);
    if (!file.ok()) return file.status();
    std::vector<std::string> sh_args = {"-c", R"(exec "$0" "$@" < "$CLI_TEST_STDIN")",
                                        spawn.binary.string()};
    sh_args.insert(sh_args.end(), spawn.args.begin(), spawn.args.end());
    spawn.env["CLI_TEST_STDIN"] = file->string();
    spawn.binary = "/bin/sh";
    spawn.args = std::move(sh_args);
  }
  return Subprocess::Spawn(spawn);
}

absl::StatusOr<CliRun> LiminalCli::Run(std::vector<std::string> args, CliOptions options,
                                       std::chrono::milliseconds timeout) const {
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Start(std::move(args), std::move(options));
  if (!process.ok()) return process.status();
  absl::StatusOr<int> exit_code = (*process)->WaitForExit(timeout);
  if (!exit_code.ok()) return exit_code.status();
  return CliRun{
      .exit_code = *exit_code, .out = (*process)->stdout_text(), .err = (*process)->stderr_text()};
}

}  // namespace liminal::e2e
