#include "tests/e2e/support/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace liminal::e2e {

absl::StatusOr<TempDir> TempDir::Create(absl::string_view prefix) {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::filesystem::path base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  std::string pattern = (base / absl::StrCat(prefix, "-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp(", pattern, "): ", std::strerror(errno)));
  }
  return TempDir(std::filesystem::path(buffer.data()));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

TempDir::~TempDir() { Remove(); }

void TempDir::Remove() {
  if (path_.empty()) return;
  std::error_code ec;
  // Restore permissions a test may have taken away, so everything can be deleted.
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
  }
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
  path_.clear();
}

absl::StatusOr<std::filesystem::path> TempDir::WriteFile(const std::filesystem::path& relative,
                                                         absl::string_view content) const {
  const std::filesystem::path full = path_ / relative;
  std::error_code ec;
  std::filesystem::create_directories(full.parent_path(), ec);
  if (ec)
    return absl::InternalError(
        absl::StrCat("mkdir ", full.parent_path().string(), ": ", ec.message()));
  std::ofstream out(full, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", full.string()));
  return full;
}

absl::StatusOr<std::filesystem::path> TempDir::MakeDir(
    const std::filesystem::path& relative) const {
  const std::filesystem::path full = path_ / relative;
  std::error_code ec;
  std::filesystem::create_directories(full, ec);
  if (ec) return absl::InternalError(absl::StrCat("mkdir ", full.string(), ": ", ec.message()));
  return full;
}

}  // namespace liminal::e2e
