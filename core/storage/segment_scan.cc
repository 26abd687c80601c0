#include "core/storage/segment_scan.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::storage {
namespace {

constexpr size_t kScanChunkBytes = 1 << 20;

}  // namespace

absl::StatusOr<SegmentScan> ScanSegment(const std::string& path,
                                        std::shared_ptr<runtime::File> file, uint64_t base_id,
                                        uint64_t stop_before_id, uint64_t index_interval_bytes) {
  absl::StatusOr<uint64_t> file_bytes = file->Size();
  if (!file_bytes.ok()) return file_bytes.status();
  SegmentScan scan{.segment = Segment(path, base_id, file, index_interval_bytes),
                   .file_bytes = *file_bytes,
                   .ending = SegmentEnding::kClean,
                   .problem = std::string(),
                   .problem_offset = 0};
  if (scan.file_bytes < kSegmentHeaderBytes) {
    scan.ending = SegmentEnding::kShortHeader;
    return scan;
  }
  absl::StatusOr<std::string> header = file->ReadAt(0, kSegmentHeaderBytes);
  if (!header.ok()) return header.status();
  if (header->size() < kSegmentHeaderBytes) {
    scan.ending = SegmentEnding::kShortHeader;  // it shrank while we looked
    return scan;
  }
  if (absl::Status checked = CheckSegmentHeader(*header); !checked.ok()) {
    scan.ending = SegmentEnding::kBadHeader;
    scan.problem = std::string(checked.message());
    return scan;
  }
  SegmentReader reader(*file, kSegmentHeaderBytes, scan.file_bytes, kScanChunkBytes);
  while (!reader.AtEnd()) {
    const uint64_t offset = reader.offset();
    absl::StatusOr<RecordDecodeResult> next = reader.Next();
    if (!next.ok()) return next.status();
    if (next->outcome == DecodeOutcome::kIncomplete) {
      scan.ending = SegmentEnding::kTorn;
      break;
    }
    if (next->outcome == DecodeOutcome::kCorrupt) {
      scan.ending = SegmentEnding::kCorrupt;
      scan.problem = std::move(next->problem);
      scan.problem_offset = offset;
      break;
    }
    const uint64_t expected_id = scan.segment.next_id();
    if (next->view.id != expected_id) {
      scan.ending = SegmentEnding::kCorrupt;
      scan.problem =
          absl::StrCat("record id ", next->view.id, " where id ", expected_id, " was expected");
      scan.problem_offset = offset;
      break;
    }
    if (next->view.id >= stop_before_id) {
      scan.ending = SegmentEnding::kSuperseded;
      scan.problem =
          absl::StrCat("record id ", next->view.id,
                       " is also in the next segment, which starts at id ", stop_before_id);
      scan.problem_offset = offset;
      break;
    }
    scan.segment.NoteAppended(next->view.id, next->view.timestamp, next->encoded_bytes);
  }
  return scan;
}

}  // namespace liminal::storage
