// TempDir: a fresh directory under $TMPDIR (or /tmp) that is deleted with everything in it
// when the object goes away. For tests that need real files: configs, schemas, token files,
// persistence directories.
//
//   absl::StatusOr<TempDir> dir = TempDir::Create("config-test");
//   ASSERT_TRUE(dir.ok()) << dir.status();
//   std::filesystem::path cfg = *dir->WriteFile("liminald.toml", "listen_address = ...");
//   dir->path();   // /tmp/config-test-AbC123
#ifndef LIMINAL_TESTS_E2E_SUPPORT_TEMP_DIR_H_
#define LIMINAL_TESTS_E2E_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace liminal::e2e {

class TempDir {
 public:
  static absl::StatusOr<TempDir> Create(absl::string_view prefix);

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` to `relative` (creating parent directories); returns the full path.
  absl::StatusOr<std::filesystem::path> WriteFile(const std::filesystem::path& relative,
                                                  absl::string_view content) const;

  // Creates the directory `relative` (and parents); returns the full path.
  absl::StatusOr<std::filesystem::path> MakeDir(const std::filesystem::path& relative) const;

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  void Remove();

  std::filesystem::path path_;
};

}  // namespace liminal::e2e

#endif  // LIMINAL_TESTS_E2E_SUPPORT_TEMP_DIR_H_
