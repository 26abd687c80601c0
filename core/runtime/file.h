// The File seam: the durable-storage primitives the core needs (append-only logs and
// small metadata files). Production is POSIX; the simulation keeps an in-memory disk that
// loses unsynced data on a crash and can tear the last write.
//
//   absl::StatusOr<std::unique_ptr<File>> f = fs.OpenAppend("/data/orders.log");
//   (*f)->Append(record);
//   (*f)->Sync();        // only synced bytes survive a crash
#ifndef LIMINAL_CORE_RUNTIME_FILE_H_
#define LIMINAL_CORE_RUNTIME_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_FILE_H_
