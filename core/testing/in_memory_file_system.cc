#include "core/testing/in_memory_file_system.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace liminal::testing {
namespace {

class InMemoryFile final : public runtime::File {
 public:
  InMemoryFile(std::shared_ptr<InMemoryFileSystem::Contents> contents,
               std::shared_ptr<InMemoryFileSystem::Faults> faults)
      : contents_(std::move(contents)), faults_(std::move(faults)) {}

  absl::Status Append(std::string_view data) override {
    if (!faults_->write_error.ok()) return faults_->write_error;
    if (!faults_->append_error.ok()) {
      const size_t written = std::min(data.size(), faults_->append_bytes_before_error);
      if (written > 0) {
        contents_->data.append(data.substr(0, written));
        faults_->last_appended = contents_;
      }
      return faults_->append_error;
    }
    contents_->data.append(data);
    faults_->last_appended = contents_;
    return absl::OkStatus();
  }
  absl::Status Sync() override {
    if (!faults_->write_error.ok()) return faults_->write_error;
    if (!faults_->sync_error.ok()) return faults_->sync_error;
    contents_->synced = contents_->data.size();
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> ReadAt(uint64_t offset, size_t length) const override {
    if (offset >= contents_->data.size()) return std::string();
    return contents_->data.substr(offset, length);
  }
  absl::StatusOr<uint64_t> Size() const override { return contents_->data.size(); }
  absl::Status Truncate(uint64_t size) override {
    if (size < contents_->data.size()) contents_->data.resize(size);
    if (contents_->synced > contents_->data.size()) contents_->synced = contents_->data.size();
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<InMemoryFileSystem::Contents> contents_;
  std::shared_ptr<InMemoryFileSystem::Faults> faults_;
};

}  // namespace

InMemoryFileSystem::InMemoryFileSystem() : faults_(std::make_shared<Faults>()) {}

absl::StatusOr<std::unique_ptr<runtime::File>> InMemoryFileSystem::OpenAppend(
    const std::string& path) {
  auto& contents = files_[path];
  if (contents == nullptr) contents = std::make_shared<Contents>();
  return std::unique_ptr<runtime::File>(new InMemoryFile(contents, faults_));
}

absl::Status InMemoryFileSystem::Rename(const std::string& from, const std::string& to) {
  auto it = files_.find(from);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("no such file: ", from));
  // Out of the map before inserting: a btree insert may move its nodes.
  std::shared_ptr<Contents> contents = std::move(it->second);
  files_.erase(it);
  files_[to] = std::move(contents);
  return absl::OkStatus();
}

absl::Status InMemoryFileSystem::Remove(const std::string& path) {
  if (files_.erase(path) == 0) return absl::NotFoundError(absl::StrCat("no such file: ", path));
  return absl::OkStatus();
}

absl::Status InMemoryFileSystem::CreateDirectories(const std::string& path) {
  directories_.insert(path);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> InMemoryFileSystem::List(const std::string& dir) const {
  const std::string prefix = absl::StrCat(dir, "/");
  std::vector<std::string> names;
  for (const auto& [path, contents] : files_) {
    if (absl::StartsWith(path, prefix) && path.find('/', prefix.size()) == std::string::npos) {
      names.push_back(path.substr(prefix.size()));
    }
  }
  return names;
}

void InMemoryFileSystem::SimulateCrash(UnsyncedBytesKept unsynced_bytes_kept) {
  for (auto& [path, contents] : files_) {
    const size_t unsynced = contents->data.size() - contents->synced;
    const size_t kept = contents->synced + std::min(unsynced, unsynced_bytes_kept(path, unsynced));
    contents->data.resize(kept);
    contents->synced = kept;
  }
}

void InMemoryFileSystem::SimulateCrash() {
  SimulateCrash([](const std::string&, size_t) -> size_t { return 0; });
}

void InMemoryFileSystem::RunBlocking(absl::AnyInvocable<void() &&> work) {
  if (blocking_runner_) {
    blocking_runner_(std::move(work));
  } else {
    std::move(work)();
  }
}

void InMemoryFileSystem::SimulateCrashTearingLastWrite(size_t unsynced_bytes_kept) {
  const std::shared_ptr<Contents> torn = faults_->last_appended.lock();
  SimulateCrash([&](const std::string& path, size_t) -> size_t {
    return torn != nullptr && files_.at(path) == torn ? unsynced_bytes_kept : 0;
  });
}

InMemoryFileSystem::Image InMemoryFileSystem::Snapshot() const {
  Image image;
  for (const auto& [path, contents] : files_) image.emplace(path, contents->data);
  return image;
}

void InMemoryFileSystem::Load(const Image& image) {
  for (const auto& [path, data] : image) {
    auto contents = std::make_shared<Contents>();
    contents->data = data;
    contents->synced = data.size();
    files_[path] = std::move(contents);
  }
}

std::shared_ptr<InMemoryFileSystem::Contents> InMemoryFileSystem::ContentsOf(
    const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : it->second;
}

std::optional<std::string> InMemoryFileSystem::LastAppendedPath() const {
  const std::shared_ptr<Contents> last = faults_->last_appended.lock();
  for (const auto& [path, contents] : files_) {
    if (contents == last && last != nullptr) return path;
  }
  return std::nullopt;
}

}  // namespace liminal::testing
