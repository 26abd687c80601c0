#include "io/runtime/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "io/runtime/errno_status.h"

namespace liminal::io {
namespace {

// The directory holding `path` ("." for a bare name, "/" for a top-level entry).
std::string ParentDirectory(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const size_t slash = trimmed.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return trimmed.substr(0, slash);
}

// fsync(2) on a directory, so entries created, renamed or removed in it are durable.
absl::Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open directory", dir);
  int rc;
  do {
    rc = ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  const int sync_errno = errno;
  ::close(fd);
  // Some file systems cannot fsync a directory; that is not an error worth failing for.
  if (rc != 0 && sync_errno != EINVAL && sync_errno != EROFS) {
    return ErrnoStatus(sync_errno, "sync directory", dir);
  }
  return absl::OkStatus();
}

class PosixFile final : public runtime::File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  absl::Status Append(std::string_view data) override {
    size_t written = 0;
    while (written < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + written, data.size() - written);
      if (n > 0) {
        written += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      const int error = n < 0 ? errno : EIO;  // write(2) returning 0 for a file: treat as EIO
      return ErrnoStatus(
          error, absl::StrCat("append ", data.size(), " bytes to"), path_,
          written == 0 ? std::string() : absl::StrCat(written, " bytes were written first"));
    }
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    int rc;
    do {
      rc = ::fdatasync(fd_);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return ErrnoStatus(errno, "sync", path_);
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> ReadAt(uint64_t offset, size_t length) const override {
    absl::StatusOr<uint64_t> size = Size();
    if (!size.ok()) return size.status();
    if (offset >= *size) return std::string();
    // Never allocate more than the file holds, whatever `length` the caller asked for.
    length = static_cast<size_t>(std::min<uint64_t>(length, *size - offset));
    std::string out(length, '\0');
    size_t done = 0;
    while (done < length) {
      const ssize_t n =
          ::pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n == 0) {
        break;  // end of file (it shrank meanwhile)
      } else if (errno != EINTR) {
        return ErrnoStatus(errno, absl::StrCat("read ", length, " bytes at offset ", offset, " of"),
                           path_);
      }
    }
    out.resize(done);
    return out;
  }

  absl::StatusOr<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus(errno, "stat", path_);
    return static_cast<uint64_t>(st.st_size);
  }

  absl::Status Truncate(uint64_t size) override {
    int rc;
    do {
      rc = ::ftruncate(fd_, static_cast<off_t>(size));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return ErrnoStatus(errno, absl::StrCat("truncate to ", size, " bytes"), path_);
    return absl::OkStatus();
  }

 private:
  const int fd_;
  const std::string path_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<runtime::File>> PosixFileSystem::OpenAppend(
    const std::string& path) {
  constexpr int kFlags = O_RDWR | O_APPEND | O_CLOEXEC;
  // Try to create it first, so we know whether the parent directory needs an fsync.
  for (int attempt = 0; attempt < 3; ++attempt) {
    int fd = ::open(path.c_str(), kFlags | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
      absl::Status synced = SyncDirectory(ParentDirectory(path));
      if (!synced.ok()) {
        ::close(fd);
        return synced;
      }
      return std::make_unique<PosixFile>(fd, path);
    }
    if (errno == EINTR) continue;
    if (errno != EEXIST) return ErrnoStatus(errno, "create", path);
    fd = ::open(path.c_str(), kFlags);
    if (fd >= 0) return std::make_unique<PosixFile>(fd, path);
    if (errno != ENOENT && errno != EINTR) return ErrnoStatus(errno, "open", path);
    // Removed between the two opens: try again.
  }
  return absl::UnavailableError(absl::StrCat("open ", path, ": the file kept disappearing"));
}

absl::StatusOr<std::unique_ptr<runtime::File>> PosixFileSystem::OpenForReading(
    const std::string& path) const {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  // A read-only descriptor: the kernel refuses Append and Truncate on it.
  return std::make_unique<PosixFile>(fd, path);
}

absl::Status PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoStatus(errno, absl::StrCat("rename ", from, " to"), to);
  }
  const std::string to_dir = ParentDirectory(to);
  absl::Status status = SyncDirectory(to_dir);
  const std::string from_dir = ParentDirectory(from);
  if (status.ok() && from_dir != to_dir) status = SyncDirectory(from_dir);
  return status;
}

absl::Status PosixFileSystem::Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    // Linux reports EISDIR for a directory; POSIX allows EPERM.
    if ((errno != EISDIR && errno != EPERM) || ::rmdir(path.c_str()) != 0) {
      return ErrnoStatus(errno, "remove", path);
    }
  }
  return SyncDirectory(ParentDirectory(path));
}

absl::Status PosixFileSystem::CreateDirectories(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("create directory: empty path");
  // Walk every prefix ending before a '/', then the whole path.
  size_t pos = path.find_first_not_of('/');
  while (pos != std::string::npos) {
    const size_t slash = path.find('/', pos);
    const std::string prefix = path.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0755) == 0) {
      absl::Status synced = SyncDirectory(ParentDirectory(prefix));
      if (!synced.ok()) return synced;
    } else if (errno == EEXIST) {
      struct stat st;
      if (::stat(prefix.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", prefix);
      if (!S_ISDIR(st.st_mode)) {
        return ErrnoStatus(ENOTDIR, "create directory", path,
                           absl::StrCat(prefix, " exists and is not a directory"));
      }
    } else {
      return ErrnoStatus(errno, "create directory", prefix);
    }
    pos = slash == std::string::npos ? slash : path.find_first_not_of('/', slash);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> PosixFileSystem::List(const std::string& dir) const {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return ErrnoStatus(errno, "list directory", dir);
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const struct dirent* entry = ::readdir(handle);
    if (entry == nullptr) break;
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  const int read_errno = errno;
  ::closedir(handle);
  if (read_errno != 0) return ErrnoStatus(read_errno, "list directory", dir);
  std::sort(names.begin(), names.end());
  return names;
}

void PosixFileSystem::RunBlocking(absl::AnyInvocable<void() &&> work) {
  boost::asio::post(blocking_pool_, [work = std::move(work)]() mutable { std::move(work)(); });
}

}  // namespace liminal::io
