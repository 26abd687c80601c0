#include "bench/server_process.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace liminal::bench {
namespace {

bool IsExecutable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

}  // namespace

absl::StatusOr<std::string> FindBinary(const std::string& name,
                                       const std::optional<std::string>& explicit_path) {
  if (explicit_path.has_value()) {
    // Absolute: servers run in their own temporary directory.
    if (IsExecutable(*explicit_path)) return std::filesystem::absolute(*explicit_path).string();
    return absl::NotFoundError(absl::StrCat(*explicit_path, " is not an executable file"));
  }
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      dirs.emplace_back(dir);
    }
  }
  for (const char* dir :
       {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    dirs.emplace_back(dir);
  }
  for (const std::string& dir : dirs) {
    const std::string candidate = absl::StrCat(dir, "/", name);
    if (IsExecutable(candidate)) return candidate;
  }
  return absl::NotFoundError(absl::StrCat(name, " not found on $PATH or in /usr/sbin, /usr/bin"));
}

std::string FirstOutputLine(const std::string& binary, const std::vector<std::string>& args,
                            absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Spawn({.binary = binary, .args = args, .working_dir = std::nullopt});
  if (!process.ok()) return "";
  absl::StatusOr<std::string> line = (*process)->WaitForLine("", timeout);
  (void)(*process)->Stop(absl::Seconds(1));
  return line.ok() ? *line : "";
}

}  // namespace liminal::bench
