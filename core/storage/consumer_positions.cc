#include "core/storage/consumer_positions.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/storage/annotate.h"
#include "core/storage/channel_directory.h"

namespace liminal::storage {
namespace {

constexpr absl::string_view kTempSuffix = ".tmp";

// Undoes EscapePathComponent (%XX back to the byte).
std::string UnescapeName(std::string_view escaped) {
  std::string name;
  for (size_t i = 0; i < escaped.size(); ++i) {
    int value = 0;
    if (escaped[i] == '%' && i + 2 < escaped.size() &&
        absl::SimpleHexAtoi(absl::string_view(escaped.data() + i + 1, 2), &value)) {
      name.push_back(static_cast<char>(value));
      i += 2;
    } else {
      name.push_back(escaped[i]);
    }
  }
  return name;
}

}  // namespace

absl::StatusOr<ConsumerPositions> ConsumerPositions::Load(runtime::FileSystem& fs,
                                                          std::string directory) {
  if (absl::Status made = fs.CreateDirectories(directory); !made.ok()) {
    return Annotate(made, absl::StrCat("creating ", directory));
  }
  absl::StatusOr<std::vector<std::string>> names = fs.List(directory);
  if (!names.ok()) return Annotate(names.status(), absl::StrCat("listing ", directory));
  ConsumerPositions positions(directory);
  for (const std::string& file_name : *names) {
    if (absl::EndsWith(file_name, kTempSuffix)) continue;  // an unfinished save
    const std::string path = absl::StrCat(directory, "/", file_name);
    absl::StatusOr<std::unique_ptr<runtime::File>> file = fs.OpenAppend(path);
    if (!file.ok()) return Annotate(file.status(), absl::StrCat("opening ", path));
    absl::StatusOr<std::string> text = (*file)->ReadAt(0, 64);
    if (!text.ok()) return Annotate(text.status(), absl::StrCat("reading ", path));
    uint64_t id = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &id)) {
      return absl::DataLossError(
          absl::StrCat("consumer position file ", path, " does not hold a message id"));
    }
    positions.positions_.emplace(UnescapeName(file_name), id);
  }
  return positions;
}

std::optional<uint64_t> ConsumerPositions::Get(std::string_view name) const {
  auto it = positions_.find(name);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

bool ConsumerPositions::Advance(std::string_view name, uint64_t acknowledged_through) {
  auto [it, inserted] = positions_.try_emplace(std::string(name), acknowledged_through);
  if (!inserted) {
    if (it->second >= acknowledged_through) return false;
    it->second = acknowledged_through;
  }
  dirty_.insert(it->first);
  return true;
}

std::vector<ConsumerPosition> ConsumerPositions::TakeDirty() {
  std::vector<ConsumerPosition> out;
  for (const std::string& name : dirty_) out.push_back({name, positions_.at(name)});
  dirty_.clear();
  return out;
}

void ConsumerPositions::MarkDirty(const std::vector<ConsumerPosition>& positions) {
  for (const ConsumerPosition& position : positions) dirty_.insert(position.name);
}

absl::Status ConsumerPositions::Save(runtime::FileSystem& fs, const std::string& directory,
                                     const std::vector<ConsumerPosition>& positions) {
  for (const ConsumerPosition& position : positions) {
    const std::string path = absl::StrCat(directory, "/", EscapePathComponent(position.name));
    const std::string temp = absl::StrCat(path, kTempSuffix);
    (void)fs.Remove(temp);  // a leftover from an interrupted save
    absl::StatusOr<std::unique_ptr<runtime::File>> file = fs.OpenAppend(temp);
    if (!file.ok()) return Annotate(file.status(), absl::StrCat("creating ", temp));
    absl::Status status = (*file)->Append(absl::StrCat(position.acknowledged_through, "\n"));
    if (status.ok()) status = (*file)->Sync();
    if (status.ok()) status = fs.Rename(temp, path);
    if (!status.ok()) return Annotate(status, absl::StrCat("saving consumer position ", path));
  }
  return absl::OkStatus();
}

}  // namespace liminal::storage
