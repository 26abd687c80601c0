#include "sim/disk/sim_disk.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace liminal::sim {
namespace {

class SimFile final : public runtime::File {
 public:
  SimFile(std::shared_ptr<SimDisk::Contents> contents, SimDisk& disk)
      : contents_(std::move(contents)), disk_(disk) {}

  absl::Status Append(std::string_view data) override {
    disk_.kernel().SwitchPoint(SwitchKind::kFile);
    if (!disk_.append_error().ok()) return disk_.append_error();
    contents_->last_append_at = contents_->data.size();
    contents_->data.append(data);
    return absl::OkStatus();
  }
  absl::Status Sync() override {
    disk_.kernel().SwitchPoint(SwitchKind::kFile);
    if (!disk_.sync_error().ok()) return disk_.sync_error();
    contents_->synced = contents_->data.size();
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> ReadAt(uint64_t offset, size_t length) const override {
    disk_.kernel().SwitchPoint(SwitchKind::kFile);
    if (offset >= contents_->data.size()) return std::string();
    return contents_->data.substr(offset, length);
  }
  absl::StatusOr<uint64_t> Size() const override {
    disk_.kernel().SwitchPoint(SwitchKind::kFile);
    return contents_->data.size();
  }
  absl::Status Truncate(uint64_t size) override {
    disk_.kernel().SwitchPoint(SwitchKind::kFile);
    if (size < contents_->data.size()) contents_->data.resize(size);
    if (contents_->synced > contents_->data.size()) contents_->synced = contents_->data.size();
    if (contents_->last_append_at > contents_->data.size()) {
      contents_->last_append_at = contents_->data.size();
    }
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<SimDisk::Contents> contents_;
  SimDisk& disk_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<runtime::File>> SimDisk::OpenAppend(const std::string& path) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  auto& contents = files_[path];
  if (contents == nullptr) contents = std::make_shared<Contents>();
  return std::unique_ptr<runtime::File>(new SimFile(contents, *this));
}

absl::Status SimDisk::Rename(const std::string& from, const std::string& to) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  auto it = files_.find(from);
  if (it == files_.end()) return absl::NotFoundError(absl::StrCat("no such file: ", from));
  std::shared_ptr<Contents> contents = std::move(it->second);
  files_.erase(it);
  files_[to] = std::move(contents);
  return absl::OkStatus();
}

absl::Status SimDisk::Remove(const std::string& path) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  if (files_.erase(path) == 0) return absl::NotFoundError(absl::StrCat("no such file: ", path));
  return absl::OkStatus();
}

absl::Status SimDisk::CreateDirectories(const std::string& path) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  directories_.insert(path);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SimDisk::List(const std::string& dir) const {
  kernel_.SwitchPoint(SwitchKind::kFile);
  const std::string prefix = absl::StrCat(dir, "/");
  std::vector<std::string> names;
  for (const auto& [path, contents] : files_) {
    if (absl::StartsWith(path, prefix) && path.find('/', prefix.size()) == std::string::npos) {
      names.push_back(path.substr(prefix.size()));
    }
  }
  return names;
}

void SimDisk::RunBlocking(absl::AnyInvocable<void() &&> work) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  const absl::Duration latency =
      absl::Nanoseconds(rng_.Uniform(absl::ToInt64Nanoseconds(max_blocking_latency_) + 1));
  kernel_.Spawn("blocking-io", [this, latency, work = std::move(work)]() mutable {
    kernel_.SleepFor(latency);
    std::move(work)();
  });
}

void SimDisk::Crash(const CrashOptions& options) {
  for (auto& [path, contents] : files_) {
    size_t keep = contents->synced;
    if (options.tear_last_write && contents->data.size() > contents->synced) {
      // Writes reach the platter in order and the crash cuts them anywhere after the
      // synced prefix: the surviving unsynced bytes are a prefix, and the cut may fall in
      // the middle of a write (a torn write).
      keep += rng_.Uniform(contents->data.size() - contents->synced + 1);
    }
    contents->data.resize(keep);
    contents->synced = keep;
    if (contents->last_append_at > keep) contents->last_append_at = keep;
  }
}

SimDisk::DiskImage SimDisk::Image() const {
  DiskImage image;
  for (const auto& [path, contents] : files_) image.emplace(path, contents->data);
  return image;
}

void SimDisk::Load(const DiskImage& image) {
  for (const auto& [path, data] : image) {
    auto contents = std::make_shared<Contents>();
    contents->data = data;
    contents->synced = data.size();
    contents->last_append_at = data.size();
    files_[path] = std::move(contents);
  }
}

std::string SimDisk::ContentsOf(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? std::string() : it->second->data;
}

size_t SimDisk::SyncedBytesOf(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? 0 : it->second->synced;
}

}  // namespace liminal::sim
