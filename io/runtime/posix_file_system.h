// PosixFileSystem: the production binding of the File seam (core/runtime/file.h) on POSIX
// file descriptors.
//
//   PosixFileSystem fs;
//   absl::StatusOr<std::unique_ptr<runtime::File>> log = fs.OpenAppend("/data/orders.log");
//   if (!log.ok()) return log.status();   // "open /data/orders.log: Permission denied"
//   (*log)->Append(record);                // write(2) loop: EINTR and short writes handled
//   (*log)->Sync();                        // fdatasync(2)
//
// Durability: Sync() is fdatasync. Creating a file, renaming, removing and creating a
// directory also fsync the parent directory, so a synced file that was just created or
// renamed into place survives a crash with its name.
//
// Errors are absl::Status with the operation, the path and the errno text (see
// errno_status.h); ENOSPC/EDQUOT read "disk full: ...".
//
// RunBlocking runs work on a pool of kBlockingThreads threads of its own (never the Asio
// threads that serve connections). JoinBlockingWork (AsioRuntime::Join calls it) and the
// destructor wait for the work already submitted; work submitted after that never runs.
//
// Thread-safety: PosixFileSystem is thread-safe. A File may be used from any
// thread, but Append/Truncate on one File must not race with each other (one writer per
// file, as the storage layer does); ReadAt and Size are safe alongside them.
#ifndef LIMINAL_IO_RUNTIME_POSIX_FILE_SYSTEM_H_
#define LIMINAL_IO_RUNTIME_POSIX_FILE_SYSTEM_H_

#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/runtime/file.h"

namespace liminal::io {

class PosixFileSystem final : public runtime::FileSystem {
 public:
  // Opens read+append (O_APPEND), creating the file with mode 0644 if needed.
  absl::StatusOr<std::unique_ptr<runtime::File>> OpenAppend(const std::string& path) override;
  // Opens an existing file read-only (O_RDONLY; never creates it), for tools that inspect
  // a log without touching it: ReadAt and Size work; Append and Truncate fail (EBADF).
  absl::StatusOr<std::unique_ptr<runtime::File>> OpenForReading(const std::string& path) const;
  // rename(2): atomically replaces `to` if it exists.
  absl::Status Rename(const std::string& from, const std::string& to) override;
  // Removes a file (or an empty directory).
  absl::Status Remove(const std::string& path) override;
  // mkdir -p with mode 0755; OK if the directory already exists.
  absl::Status CreateDirectories(const std::string& path) override;
  // Entry names of `dir` (no "." or ".."), sorted bytewise.
  absl::StatusOr<std::vector<std::string>> List(const std::string& dir) const override;
  void RunBlocking(absl::AnyInvocable<void() &&> work) override;
  void JoinBlockingWork() { blocking_pool_.join(); }
  ~PosixFileSystem() override { blocking_pool_.join(); }

  static constexpr size_t kBlockingThreads = 4;

 private:
  boost::asio::thread_pool blocking_pool_{kBlockingThreads};
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_POSIX_FILE_SYSTEM_H_
