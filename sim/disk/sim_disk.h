// The simulated disk behind the File seam: the one in-memory file system
// (testing::InMemoryFileSystem) wrapped with what the simulation adds — every call is a
// switch point, RunBlocking runs its work on a fiber after a seeded latency, and Crash()
// draws how much of each file's unsynced bytes survive from the seed. Crash() models a power
// loss: each file keeps its synced prefix, and with tear_last_write a random prefix of the
// unsynced bytes survives too, cut possibly in the middle of a write (a torn last write).
// Faults: failing appends and failing syncs (a full or broken disk).
//
//   SimDisk disk(kernel, seed);
//   auto file = disk.OpenAppend("/data/log");   (*file)->Append("abc"); (*file)->Sync();
//   disk.Crash({.tear_last_write = true});      // unsynced bytes are gone (or torn)
//
// Directory operations (create, rename, remove) are durable when they return, as the File
// seam promises (the POSIX binding fsyncs the parent directory).
#ifndef LIMINAL_SIM_DISK_SIM_DISK_H_
#define LIMINAL_SIM_DISK_SIM_DISK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/runtime/file.h"
#include "core/testing/in_memory_file_system.h"
#include "sim/kernel/fiber_kernel.h"
#include "sim/kernel/rng.h"

namespace liminal::sim {

struct CrashOptions {
  bool tear_last_write = false;  // keep a random prefix of the unsynced bytes (torn write)
};

class SimDisk final : public runtime::FileSystem {
 public:
  SimDisk(FiberKernel& kernel, uint64_t seed) : kernel_(kernel), rng_(seed) {}

  absl::StatusOr<std::unique_ptr<runtime::File>> OpenAppend(const std::string& path) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status Remove(const std::string& path) override;
  absl::Status CreateDirectories(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> List(const std::string& dir) const override;
  // A fiber runs `work` after a seeded latency of 0..max_blocking_latency (an fsync's time).
  void RunBlocking(absl::AnyInvocable<void() &&> work) override;
  void set_max_blocking_latency(absl::Duration latency) { max_blocking_latency_ = latency; }

  void Crash(const CrashOptions& options);
  void FailAppends(absl::Status error) { memory_.FailAppends(std::move(error)); }
  void FailSyncs(absl::Status error) { memory_.FailSyncs(std::move(error)); }

  // Harness side (no switch points). A whole-server crash moves the disk to the next
  // incarnation: Crash(), then Image() here and Load() into the new runtime's disk.
  using DiskImage = testing::InMemoryFileSystem::Image;
  DiskImage Image() const { return memory_.Snapshot(); }
  void Load(const DiskImage& image) { memory_.Load(image); }  // every file fully synced
  // The bytes a file holds now, and how many are synced.
  std::string ContentsOf(const std::string& path) const;
  size_t SyncedBytesOf(const std::string& path) const;
  FiberKernel& kernel() const { return kernel_; }

 private:
  FiberKernel& kernel_;
  Rng rng_;
  testing::InMemoryFileSystem memory_;
  absl::Duration max_blocking_latency_ = absl::Milliseconds(2);
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_DISK_SIM_DISK_H_
