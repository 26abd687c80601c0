// Reading a durable channel's log directory without changing it (`liminal log`): every
// segment file is opened read-only (io::PosixFileSystem::OpenForReading) and verified with
// storage::ScanSegment, the same check liminald's recovery makes, and the valid records can
// then be walked in id order. Nothing is ever truncated, rewritten, created or removed, so it
// is safe on the log of a running server (a record being written may show as a torn tail).
//
//   absl::StatusOr<ChannelLogReader> log = ChannelLogReader::Open(fs, "/var/lib/liminal/orders");
//   if (!log.ok()) return ...;                          // e.g. "list /x: No such file ..."
//   for (const SegmentReport& s : log->segments()) if (s.ending != kClean) ...;
//   absl::Status read = log->ForEachRecord(/*from_id=*/1, [](const storage::RecordView& r,
//                                                             const SegmentReport& s,
//                                                             uint64_t offset) {
//     Print(r);
//     return true;                                      // false stops the walk
//   });
//
// Thread-safety: none; use from one thread.
#ifndef LIMINAL_TOOLS_CHANNEL_LOG_READER_H_
#define LIMINAL_TOOLS_CHANNEL_LOG_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/storage/log_record.h"
#include "core/storage/segment_scan.h"
#include "io/runtime/posix_file_system.h"

namespace liminal::tools {

// What the scan of one segment file found.
struct SegmentReport {
  storage::SegmentScan scan;  // scan.segment: the valid records; scan.ending: how it ends
  std::string file_name;      // "00000000000000000001.seg"
};

// True for endings that mean damaged data (a bad checksum, framing, id or header), as opposed
// to what a crash leaves behind and recovery tidies up (a torn tail, a short header, a
// superseded segment).
bool IsCorruption(storage::SegmentEnding ending);

// "torn tail", "corrupt record", ...: the ending in words.
std::string_view DescribeEnding(storage::SegmentEnding ending);

class ChannelLogReader {
 public:
  // Lists `directory` and scans every segment file in it, oldest first. Errors: the
  // directory cannot be listed, a file cannot be opened or read.
  static absl::StatusOr<ChannelLogReader> Open(const io::PosixFileSystem& fs,
                                               const std::string& directory);

  const std::vector<SegmentReport>& segments() const { return segments_; }

  // Calls `visit` for every valid record with id >= `from_id`, in id order, until it returns
  // false, with the segment it is in and its offset there. The view is valid only during the
  // call. Errors are read failures.
  absl::Status ForEachRecord(
      uint64_t from_id,
      absl::FunctionRef<bool(const storage::RecordView&, const SegmentReport&, uint64_t offset)>
          visit) const;

 private:
  explicit ChannelLogReader(std::vector<SegmentReport> segments) : segments_(std::move(segments)) {}

  std::vector<SegmentReport> segments_;
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_CHANNEL_LOG_READER_H_
