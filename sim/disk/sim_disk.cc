#include "sim/disk/sim_disk.h"

namespace liminal::sim {
namespace {

// A file of the in-memory file system whose every call is a switch point.
class SimFile final : public runtime::File {
 public:
  SimFile(std::unique_ptr<runtime::File> file, FiberKernel& kernel)
      : file_(std::move(file)), kernel_(kernel) {}

  absl::Status Append(std::string_view data) override {
    kernel_.SwitchPoint(SwitchKind::kFile);
    return file_->Append(data);
  }
  absl::Status Sync() override {
    kernel_.SwitchPoint(SwitchKind::kFile);
    return file_->Sync();
  }
  absl::StatusOr<std::string> ReadAt(uint64_t offset, size_t length) const override {
    kernel_.SwitchPoint(SwitchKind::kFile);
    return file_->ReadAt(offset, length);
  }
  absl::StatusOr<uint64_t> Size() const override {
    kernel_.SwitchPoint(SwitchKind::kFile);
    return file_->Size();
  }
  absl::Status Truncate(uint64_t size) override {
    kernel_.SwitchPoint(SwitchKind::kFile);
    return file_->Truncate(size);
  }

 private:
  std::unique_ptr<runtime::File> file_;
  FiberKernel& kernel_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<runtime::File>> SimDisk::OpenAppend(const std::string& path) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  absl::StatusOr<std::unique_ptr<runtime::File>> file = memory_.OpenAppend(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<runtime::File>(new SimFile(*std::move(file), kernel_));
}

absl::Status SimDisk::Rename(const std::string& from, const std::string& to) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  return memory_.Rename(from, to);
}

absl::Status SimDisk::Remove(const std::string& path) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  return memory_.Remove(path);
}

absl::Status SimDisk::CreateDirectories(const std::string& path) {
  kernel_.SwitchPoint(SwitchKind::kFile);
  return memory_.CreateDirectories(path);
}

absl::StatusOr<std::vector<std::string>> SimDisk::List(const std::string& dir) const {
  kernel_.SwitchPoint(SwitchKind::kFile);
  return memory_.List(dir);
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
  // Writes reach the platter in order and the crash cuts them anywhere after the synced
  // prefix: the surviving unsynced bytes are a prefix, and the cut may fall in the middle of
  // a write (a torn write).
  memory_.SimulateCrash([&](const std::string&, size_t unsynced) -> size_t {
    if (!options.tear_last_write || unsynced == 0) return 0;
    return rng_.Uniform(unsynced + 1);
  });
}

std::string SimDisk::ContentsOf(const std::string& path) const {
  const std::shared_ptr<testing::InMemoryFileSystem::Contents> contents = memory_.ContentsOf(path);
  return contents == nullptr ? std::string() : contents->data;
}

size_t SimDisk::SyncedBytesOf(const std::string& path) const {
  const std::shared_ptr<testing::InMemoryFileSystem::Contents> contents = memory_.ContentsOf(path);
  return contents == nullptr ? 0 : contents->synced;
}

}  // namespace liminal::sim
