#include "bench/temp_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace liminal::bench {

absl::StatusOr<TempDir> TempDir::Create(std::string_view prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/",
                                     std::string(prefix), "XXXXXX");
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", pattern, ": ", std::strerror(errno)));
  }
  return TempDir(std::string(buffer.data()));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, std::string())) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, std::string());
  }
  return *this;
}

TempDir::~TempDir() { Remove(); }

void TempDir::Remove() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  path_.clear();
}

absl::Status TempDir::WriteFile(std::string_view name, std::string_view content) const {
  const std::string file = absl::StrCat(path_, "/", std::string(name));
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", file));
  return absl::OkStatus();
}

absl::Status TempDir::MakeDirectory(std::string_view name) const {
  const std::string dir = absl::StrCat(path_, "/", std::string(name));
  std::error_code ec;
  if (!std::filesystem::create_directory(dir, ec) || ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, ec ? absl::StrCat(": ", ec.message()) : ""));
  }
  return absl::OkStatus();
}

}  // namespace liminal::bench
