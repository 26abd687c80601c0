#include "io/runtime/errno_status.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace liminal::io {
namespace {

absl::string_view View(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

std::string ErrnoText(int error_number) {
  char buffer[256];
  // The GNU strerror_r returns a pointer to the message (not always into `buffer`).
  const char* text = ::strerror_r(error_number, buffer, sizeof buffer);
  return text != nullptr ? std::string(text) : absl::StrCat("errno ", error_number);
}

absl::Status ErrnoStatus(int error_number, std::string_view operation, std::string_view path,
                         std::string_view detail) {
  const bool disk_full = error_number == ENOSPC || error_number == EDQUOT;
  std::string message = absl::StrCat(disk_full ? "disk full: " : "", View(operation), " ",
                                     View(path), ": ", ErrnoText(error_number));
  if (!detail.empty()) absl::StrAppend(&message, " (", View(detail), ")");
  return absl::Status(absl::ErrnoToStatusCode(error_number), message);
}

}  // namespace liminal::io
