// ErrnoStatus: turns a failed POSIX call into an operator-readable absl::Status that names
// the operation, the path and the errno text. A full disk (ENOSPC, EDQUOT) says so first.
//
//   if (::fdatasync(fd) != 0) return ErrnoStatus(errno, "sync", path);
//   // -> INTERNAL: "sync /data/orders.log: Input/output error"
//   // ENOSPC on append -> RESOURCE_EXHAUSTED:
//   //    "disk full: append 4096 bytes to /data/orders.log: No space left on device"
//
// The status code follows absl::ErrnoToStatusCode (ENOENT -> NOT_FOUND, EACCES ->
// PERMISSION_DENIED, ENOSPC -> RESOURCE_EXHAUSTED, ...). Thread-safe.
#ifndef LIMINAL_IO_RUNTIME_ERRNO_STATUS_H_
#define LIMINAL_IO_RUNTIME_ERRNO_STATUS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace liminal::io {

// `operation` reads as a verb phrase placed before the path ("open", "append 12 bytes to").
// `detail`, when not empty, is appended in parentheses.
absl::Status ErrnoStatus(int error_number, std::string_view operation, std::string_view path,
                         std::string_view detail = {});

// The errno text (strerror), thread-safe.
std::string ErrnoText(int error_number);

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_ERRNO_STATUS_H_
