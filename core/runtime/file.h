// The File seam: the durable-storage primitives the core needs (append-only logs and
// small metadata files). Production is POSIX; the simulation keeps an in-memory disk that
// loses unsynced data on a crash and can tear the last write.
//
//   absl::StatusOr<std::unique_ptr<File>> f = fs.OpenAppend("/data/orders.log");
//   (*f)->Append(record);
//   (*f)->Sync();        // only synced bytes survive a crash
//   fs.RunBlocking([file] { file->Sync(); });   // an fsync off the serving threads
//
// Directory operations (creating a file with OpenAppend, Rename, Remove, CreateDirectories)
// are durable when they return, in every binding: POSIX fsyncs the parent directory, and the
// simulated disk keeps them across a crash. File contents survive only up to the last Sync.
#ifndef LIMINAL_CORE_RUNTIME_FILE_H_
#define LIMINAL_CORE_RUNTIME_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace liminal::runtime {

class File {
 public:
  virtual ~File() = default;
  virtual absl::Status Append(std::string_view data) = 0;
  virtual absl::Status Sync() = 0;
  // Reads up to `length` bytes at `offset`; shorter at end of file.
  virtual absl::StatusOr<std::string> ReadAt(uint64_t offset, size_t length) const = 0;
  virtual absl::StatusOr<uint64_t> Size() const = 0;
  virtual absl::Status Truncate(uint64_t size) = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens for reading and appending, creating the file if needed.
  virtual absl::StatusOr<std::unique_ptr<File>> OpenAppend(const std::string& path) = 0;
  virtual absl::Status Rename(const std::string& from, const std::string& to) = 0;
  virtual absl::Status Remove(const std::string& path) = 0;
  virtual absl::Status CreateDirectories(const std::string& path) = 0;
  // Names (not paths) of the entries in `dir`, sorted.
  virtual absl::StatusOr<std::vector<std::string>> List(const std::string& dir) const = 0;
  // Runs `work` soon, outside any process and on no thread that serves connections: for
  // calls that may block for long, such as an fsync. Production: a small pool of I/O
  // threads; the simulation: a fiber, after a seeded latency; unit tests: the manual
  // scheduler's queue. Work items may run concurrently with each other.
  virtual void RunBlocking(absl::AnyInvocable<void() &&> work) = 0;
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_FILE_H_
