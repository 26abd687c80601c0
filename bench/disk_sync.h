// The disk sync probe: how long this machine's disk takes to make a small append durable,
// measured where the servers' temporary directories live ($TMPDIR, else /tmp), so the
// durable workloads can be read against it (an acknowledgement that waits for an fsync
// cannot be faster than one).
//
//   absl::StatusOr<DiskSyncResult> disk = MeasureDiskSync({.write_bytes = 4096, .iterations =
//   200});
//   // disk->p50_us, disk->p99_us; disk->where: "/tmp, ext4 on /dev/vda"
//
// Each iteration appends `write_bytes` to a fresh file with pwrite(2) and then calls
// fdatasync(2) (what liminald's POSIX File::Sync does), timing the pair; as in a log, every
// append grows the file, so each fdatasync also commits the new size.
//
// Thread-safety: free functions; safe from any thread.
#ifndef LIMINAL_BENCH_DISK_SYNC_H_
#define LIMINAL_BENCH_DISK_SYNC_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace liminal::bench {

struct DiskSyncSpec {
  size_t write_bytes = 4096;
  int iterations = 200;
  int warmup_iterations = 5;  // first appends (file creation, allocation), not measured
};

struct DiskSyncResult {
  std::string where;  // the directory probed and its file system: "/tmp, ext4 on /dev/vda"
  size_t write_bytes = 0;
  int iterations = 0;
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
};

// Appends and fdatasyncs in a temporary directory (TempDir), which is removed afterwards.
absl::StatusOr<DiskSyncResult> MeasureDiskSync(const DiskSyncSpec& spec);

// The mount holding `path` in /proc/self/mounts-formatted `mounts` (the longest mount point
// that is `path` or a parent of it), as "fstype on device"; empty if none matches. Octal
// escapes in mount points (\040 for a space) are decoded.
std::string DescribeMount(std::string_view path, std::string_view mounts);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_DISK_SYNC_H_
