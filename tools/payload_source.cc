#include "tools/payload_source.h"

#include <utility>

#include "absl/status/status.h"

namespace liminal::tools {

absl::StatusOr<std::unique_ptr<PayloadSource>> PayloadSource::FromArguments(
    const std::optional<std::string>& data, std::optional<uint64_t> count, int fd) {
  if (!data.has_value() || *data == "-") {
    if (count.has_value()) {
      return absl::InvalidArgumentError(
          "--count repeats DATA; it cannot be used with stdin input ('-' or no DATA)");
    }
    return std::unique_ptr<PayloadSource>(new PayloadSource(fd));
  }
  if (count.has_value() && *count == 0) {
    return absl::InvalidArgumentError("--count must be at least 1");
  }
  return std::unique_ptr<PayloadSource>(new PayloadSource(*data, count.value_or(1)));
}

std::optional<std::string> PayloadSource::Next() {
  if (lines_ == nullptr) {
    if (index_ >= *total_) return std::nullopt;
    ++index_;
    return data_;
  }
  while (std::optional<std::string> line = lines_->Next()) {
    if (line->empty()) continue;
    ++index_;
    return line;
  }
  return std::nullopt;
}

void PayloadSource::Wake() {
  if (lines_ != nullptr) lines_->Wake();
}

}  // namespace liminal::tools
