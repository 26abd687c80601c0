#include "core/storage/channel_directory.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace liminal::storage {

std::string EscapePathComponent(std::string_view channel) {
  const bool only_dots = channel.find_first_not_of('.') == std::string_view::npos;
  std::string out;
  for (const char c : channel) {
    const bool keep = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                      (c == '.' && !only_dots);
    if (keep) {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string ChannelDirectory(std::string_view persistence_path, std::string_view channel) {
  std::string_view base = persistence_path;
  while (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
  return std::string(base) + "/" + EscapePathComponent(channel);
}

}  // namespace liminal::storage
