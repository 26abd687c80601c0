// The one in-memory FileSystem (after LevelDB's memenv), used directly by unit tests and
// wrapped by the simulation's SimDisk (which adds switch points and seeded crash tearing).
// Each file keeps its synced prefix separately, so a simulated crash can drop whatever was
// never fsynced, or keep part of it (a torn write). Faults: every write failing (FailWrites),
// only syncs failing (FailSyncs), appends failing after writing a prefix (FailAppends).
//
//   InMemoryFileSystem fs;
//   auto file = fs.OpenAppend("/data/log");  (*file)->Append("abc");
//   fs.SimulateCrashTearingLastWrite(1);      // "/data/log" now holds "a"
#ifndef LIMINAL_CORE_TESTING_IN_MEMORY_FILE_SYSTEM_H_
#define LIMINAL_CORE_TESTING_IN_MEMORY_FILE_SYSTEM_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/functional/function_ref.h"
#include "core/runtime/file.h"

namespace liminal::testing {

class InMemoryFileSystem final : public runtime::FileSystem {
 public:
  struct Contents {
    std::string data;
    size_t synced = 0;  // bytes of `data` that survive a crash
  };

  InMemoryFileSystem();

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

  // A power loss: every file keeps its synced prefix plus the first
  // `unsynced_bytes_kept(path, unsynced)` of its `unsynced` bytes (clamped to them; writes
  // reach the disk in order, so the survivors are a prefix, possibly cut mid-write). What
  // survives counts as synced. Files are visited in path order.
  using UnsyncedBytesKept = absl::FunctionRef<size_t(const std::string& path, size_t unsynced)>;
  void SimulateCrash(UnsyncedBytesKept unsynced_bytes_kept);
  // Truncates every file to its synced prefix.
  void SimulateCrash();
  // Like SimulateCrash, except that the file appended to last keeps the first
  // `unsynced_bytes_kept` of its unsynced bytes (all of them if it has fewer).
  void SimulateCrashTearingLastWrite(size_t unsynced_bytes_kept);
  // Makes every subsequent Append/Sync fail with `error` (OK clears it): a full disk.
  void FailWrites(absl::Status error) { faults_->write_error = std::move(error); }
  const absl::Status& write_error() const { return faults_->write_error; }
  // Makes every subsequent Sync fail with `error` (OK clears it); appends still work.
  void FailSyncs(absl::Status error) { faults_->sync_error = std::move(error); }
  // Makes every subsequent Append write at most `bytes_written_first` bytes and then fail
  // with `error` (OK clears it): a disk filling up in the middle of a write.
  void FailAppends(absl::Status error, size_t bytes_written_first = 0) {
    faults_->append_error = std::move(error);
    faults_->append_bytes_before_error = bytes_written_first;
  }

  // Every file's bytes, by path: a disk carried to another file system by Load (every file
  // fully synced there), as a whole-server crash-and-restart does.
  using Image = absl::btree_map<std::string, std::string>;
  Image Snapshot() const;
  void Load(const Image& image);

  // The file at `path` (nullptr if none), to inspect or damage in tests.
  std::shared_ptr<Contents> ContentsOf(const std::string& path) const;
  // Where the last successful or partial Append went (nullopt if that file is gone).
  std::optional<std::string> LastAppendedPath() const;

  // Shared with the open files, which may outlive the file system.
  struct Faults {
    absl::Status write_error;
    absl::Status sync_error;
    absl::Status append_error;
    size_t append_bytes_before_error = 0;
    std::weak_ptr<Contents> last_appended;
  };

 private:
  absl::btree_map<std::string, std::shared_ptr<Contents>> files_;
  absl::btree_set<std::string> directories_;
  std::shared_ptr<Faults> faults_;
  BlockingRunner blocking_runner_;
};

}  // namespace liminal::testing

#endif  // LIMINAL_CORE_TESTING_IN_MEMORY_FILE_SYSTEM_H_
