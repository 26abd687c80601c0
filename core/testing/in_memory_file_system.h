// An in-memory FileSystem (after LevelDB's memenv). Each file keeps its synced prefix
// separately, so SimulateCrash() can drop whatever was never fsynced.
#ifndef LIMINAL_CORE_TESTING_IN_MEMORY_FILE_SYSTEM_H_
#define LIMINAL_CORE_TESTING_IN_MEMORY_FILE_SYSTEM_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "core/runtime/file.h"

namespace liminal::testing {

class InMemoryFileSystem final : public runtime::FileSystem {
 public:
  struct Contents {
    std::string data;
    size_t synced = 0;  // bytes of `data` that survive a crash
  };

  absl::StatusOr<std::unique_ptr<runtime::File>> OpenAppend(const std::string& path) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status Remove(const std::string& path) override;
  absl::Status CreateDirectories(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> List(const std::string& dir) const override;
  // Through the runner given to SetBlockingRunner (ManualRuntime: its scheduler's queue);
  // inline without one.
  void RunBlocking(absl::AnyInvocable<void() &&> work) override;
  using BlockingRunner = absl::AnyInvocable<void(absl::AnyInvocable<void() &&>)>;
  void SetBlockingRunner(BlockingRunner runner) { blocking_runner_ = std::move(runner); }

  // Truncates every file to its synced prefix.
  void SimulateCrash();
  // Makes every subsequent Append/Sync fail with `error` (OK clears it): a full disk.
  void FailWrites(absl::Status error) { write_error_ = std::move(error); }
  const absl::Status& write_error() const { return write_error_; }

 private:
  absl::btree_map<std::string, std::shared_ptr<Contents>> files_;
  absl::btree_set<std::string> directories_;
  absl::Status write_error_;
  BlockingRunner blocking_runner_;
};

}  // namespace liminal::testing

#endif  // LIMINAL_CORE_TESTING_IN_MEMORY_FILE_SYSTEM_H_
