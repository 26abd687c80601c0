#include "tools/channel_log_reader.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/storage/segment.h"

namespace liminal::tools {
namespace {

// Sparse index density of the scan (only used to start --from near its record).
constexpr uint64_t kIndexIntervalBytes = 4096;
constexpr size_t kReadChunkBytes = 1 << 20;

}  // namespace

bool IsCorruption(storage::SegmentEnding ending) {
  return ending == storage::SegmentEnding::kCorrupt || ending == storage::SegmentEnding::kBadHeader;
}

std::string_view DescribeEnding(storage::SegmentEnding ending) {
  switch (ending) {
    case storage::SegmentEnding::kClean:
      return "clean";
    case storage::SegmentEnding::kShortHeader:
      return "short header";
    case storage::SegmentEnding::kTorn:
      return "torn tail";
    case storage::SegmentEnding::kSuperseded:
      return "superseded records";
    case storage::SegmentEnding::kBadHeader:
      return "bad header";
    case storage::SegmentEnding::kCorrupt:
      return "corrupt record";
  }
  return "unknown ending";
}

absl::StatusOr<ChannelLogReader> ChannelLogReader::Open(const io::PosixFileSystem& fs,
                                                        const std::string& directory) {
  absl::StatusOr<std::vector<std::string>> names = fs.List(directory);
  if (!names.ok()) return names.status();
  std::vector<std::pair<uint64_t, std::string>> files;  // base id, name
  for (const std::string& name : *names) {
    if (std::optional<uint64_t> base_id = storage::ParseSegmentFileName(name)) {
      files.emplace_back(*base_id, name);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<SegmentReport> segments;
  segments.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& [base_id, name] = files[i];
    const std::string path = absl::StrCat(directory, "/", name);
    absl::StatusOr<std::unique_ptr<runtime::File>> file = fs.OpenForReading(path);
    if (!file.ok()) return file.status();
    const uint64_t stop_before_id =
        i + 1 < files.size() ? files[i + 1].first : std::numeric_limits<uint64_t>::max();
    absl::StatusOr<storage::SegmentScan> scan =
        storage::ScanSegment(path, std::shared_ptr<runtime::File>(*std::move(file)), base_id,
                             stop_before_id, kIndexIntervalBytes);
    if (!scan.ok()) return scan.status();
    segments.push_back(SegmentReport{.scan = *std::move(scan), .file_name = name});
  }
  return ChannelLogReader(std::move(segments));
}

absl::Status ChannelLogReader::ForEachRecord(
    uint64_t from_id,
    absl::FunctionRef<bool(const storage::RecordView&, const SegmentReport&, uint64_t offset)>
        visit) const {
  for (const SegmentReport& report : segments_) {
    const storage::Segment& segment = report.scan.segment;
    if (segment.empty() || segment.next_id() <= from_id) continue;
    const uint64_t start = from_id > segment.base_id() ? segment.SeekHint(from_id).offset
                                                       : storage::kSegmentHeaderBytes;
    storage::SegmentReader reader(segment.file(), start, segment.size_bytes(), kReadChunkBytes);
    while (!reader.AtEnd()) {
      const uint64_t offset = reader.offset();
      absl::StatusOr<storage::RecordDecodeResult> next = reader.Next();
      if (!next.ok()) return next.status();
      if (next->outcome != storage::DecodeOutcome::kRecord) {
        // The scan verified these bytes: the file changed underneath us.
        return absl::DataLossError(
            absl::StrCat(segment.path(), " changed while it was read (at offset ", offset, ")"));
      }
      if (next->view.id < from_id) continue;
      if (!visit(next->view, report, offset)) return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace liminal::tools
