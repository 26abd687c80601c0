// TempDir: a fresh directory under $TMPDIR (or /tmp) for one server's config and data,
// removed with everything in it when the TempDir is destroyed.
//
//   absl::StatusOr<TempDir> dir = TempDir::Create("liminal-bench-");
//   if (!dir.ok()) return dir.status();
//   absl::Status s = dir->WriteFile("liminald.toml", config_text);
//   std::string path = dir->path() + "/liminald.toml";
//
// Thread-safety: a move-only value; not for concurrent mutation.
#ifndef LIMINAL_BENCH_TEMP_DIR_H_
#define LIMINAL_BENCH_TEMP_DIR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace liminal::bench {

class TempDir {
 public:
  static absl::StatusOr<TempDir> Create(std::string_view prefix);

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }

  // Writes `content` to path()/name (truncating).
  absl::Status WriteFile(std::string_view name, std::string_view content) const;
  // Creates the directory path()/name.
  absl::Status MakeDirectory(std::string_view name) const;

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  void Remove();

  std::string path_;  // empty once moved from
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_TEMP_DIR_H_
