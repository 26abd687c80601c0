// Recovery's view of one segment file: reads it from the header on, verifying every record
// (checksum, framing, consecutive ids from the base id), and says where the valid records
// end and why. Reads only; ChannelLog::Open decides what to truncate or remove.
//
//   absl::StatusOr<SegmentScan> scan = ScanSegment(path, file, base_id, next_base_id, 4096);
//   if (scan->ending == SegmentEnding::kTorn) file->Truncate(scan->segment.size_bytes());
#ifndef LIMINAL_CORE_STORAGE_SEGMENT_SCAN_H_
#define LIMINAL_CORE_STORAGE_SEGMENT_SCAN_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "core/runtime/file.h"
#include "core/storage/segment.h"

namespace liminal::storage {

enum class SegmentEnding {
  kClean,        // the file ends right after its last record
  kShortHeader,  // shorter than a header: torn at creation; holds no record
  kTorn,         // ends inside a record (a torn write)
  kSuperseded,   // holds ids the next segment starts at (the next segment wins)
  kBadHeader,    // the header is wrong: nothing in the file can be trusted
  kCorrupt,      // a record's checksum, framing or id is wrong
};

struct SegmentScan {
  Segment segment;          // the valid records (size_bytes(): where they end)
  uint64_t file_bytes = 0;  // the file's size
  SegmentEnding ending = SegmentEnding::kClean;
  std::string problem;  // kBadHeader / kCorrupt / kSuperseded: what is wrong
  uint64_t problem_offset = 0;
};

// Scans `file` (at `path`, base id `base_id`). Records with id >= `stop_before_id` (the next
// segment's base id) end the scan as kSuperseded. Errors are read failures.
absl::StatusOr<SegmentScan> ScanSegment(const std::string& path,
                                        std::shared_ptr<runtime::File> file, uint64_t base_id,
                                        uint64_t stop_before_id, uint64_t index_interval_bytes);

}  // namespace liminal::storage

#endif  // LIMINAL_CORE_STORAGE_SEGMENT_SCAN_H_
