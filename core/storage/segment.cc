#include "core/storage/segment.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/check/check.h"

namespace liminal::storage {
namespace {

constexpr std::string_view kSegmentSuffix = ".seg";
constexpr size_t kSegmentIdDigits = 20;

}  // namespace

std::string SegmentFileName(uint64_t base_id) {
  return absl::StrFormat("%020u%s", base_id, kSegmentSuffix);
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() != kSegmentIdDigits + kSegmentSuffix.size() ||
      name.substr(kSegmentIdDigits) != kSegmentSuffix) {
    return std::nullopt;
  }
  const std::string_view digits = name.substr(0, kSegmentIdDigits);
  if (!std::all_of(digits.begin(), digits.end(),
                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  uint64_t base_id = 0;
  if (!absl::SimpleAtoi(absl::string_view(digits.data(), digits.size()), &base_id) || base_id == 0)
    return std::nullopt;  // ids start at 1
  return base_id;
}

Segment::Segment(std::string path, uint64_t base_id, std::shared_ptr<runtime::File> file,
                 uint64_t index_interval_bytes)
    : path_(std::move(path)),
      base_id_(base_id),
      file_(std::move(file)),
      index_interval_bytes_(std::max<uint64_t>(index_interval_bytes, 1)),
      next_id_(base_id) {
  LIMINAL_CHECK(file_ != nullptr, "a segment has a file");
  LIMINAL_CHECK(base_id_ >= 1, "ids start at 1");
}

absl::StatusOr<Segment> Segment::Create(runtime::FileSystem& fs, const std::string& directory,
                                        uint64_t base_id, uint64_t index_interval_bytes) {
  const std::string path = absl::StrCat(directory, "/", SegmentFileName(base_id));
  absl::StatusOr<std::unique_ptr<runtime::File>> file = fs.OpenAppend(path);
  if (!file.ok()) return file.status();
  // A file already there is a leftover (a segment torn at creation, or one cut back by
  // Rewind): start it over.
  if (absl::Status emptied = (*file)->Truncate(0); !emptied.ok()) return emptied;
  if (absl::Status written = (*file)->Append(SegmentHeader()); !written.ok()) {
    (*file)->Truncate(0).IgnoreError();  // recovery treats a short header as an empty segment
    return written;
  }
  return Segment(path, base_id, std::shared_ptr<runtime::File>(std::move(*file)),
                 index_interval_bytes);
}

void Segment::NoteAppended(uint64_t id, absl::Time timestamp, uint64_t encoded_bytes) {
  LIMINAL_CHECK(id == next_id_, "records in a segment are consecutive");
  if (index_.empty() || size_bytes_ - index_.back().offset >= index_interval_bytes_) {
    index_.push_back({.id = id, .offset = size_bytes_});
  }
  next_id_ = id + 1;
  size_bytes_ += encoded_bytes;
  newest_timestamp_ = std::max(newest_timestamp_, timestamp);
}

SparseIndexEntry Segment::SeekHint(uint64_t id) const {
  LIMINAL_CHECK(id >= base_id_ && id < next_id_, "seek within the segment's records");
  LIMINAL_CHECK(!index_.empty() && index_.front().id == base_id_, "the first record is indexed");
  // The last entry with entry.id <= id.
  auto after = std::upper_bound(
      index_.begin(), index_.end(), id,
      [](uint64_t wanted, const SparseIndexEntry& entry) { return wanted < entry.id; });
  return *std::prev(after);
}

void Segment::ForgetFrom(uint64_t id, uint64_t offset) {
  LIMINAL_CHECK(id >= base_id_ && id <= next_id_, "forget within the segment");
  LIMINAL_CHECK(offset >= kSegmentHeaderBytes && offset <= size_bytes_,
                "forget at a record boundary inside the segment");
  while (!index_.empty() && index_.back().id >= id) index_.pop_back();
  next_id_ = id;
  size_bytes_ = offset;
  if (empty()) newest_timestamp_ = absl::InfinitePast();
}

SegmentReader::SegmentReader(const runtime::File& file, uint64_t offset, uint64_t end,
                             size_t chunk_bytes)
    : file_(file),
      offset_(offset),
      end_(end),
      chunk_bytes_(std::max<size_t>(chunk_bytes, kRecordFrameBytes)),
      buffer_offset_(offset) {}

absl::StatusOr<RecordDecodeResult> SegmentReader::Next() {
  LIMINAL_CHECK(!AtEnd(), "Next() only before the end");
  LIMINAL_CHECK(offset_ >= buffer_offset_ && offset_ <= buffer_offset_ + buffer_.size(),
                "the buffer never skips bytes");
  std::string_view buffered = std::string_view(buffer_).substr(offset_ - buffer_offset_);
  const uint64_t remaining = end_ - offset_;
  if (buffered.size() > remaining) buffered = buffered.substr(0, remaining);
  RecordDecodeResult result = DecodeRecord(buffered);
  // Read on while the record runs past the buffer: the first read may only reveal, through
  // the record's length field, how much more it needs.
  while (result.outcome == DecodeOutcome::kIncomplete && buffered.size() < remaining) {
    const uint64_t wanted =
        std::min<uint64_t>(remaining, std::max<uint64_t>(result.encoded_bytes, chunk_bytes_));
    absl::StatusOr<std::string> bytes = file_.ReadAt(offset_, static_cast<size_t>(wanted));
    if (!bytes.ok()) return bytes.status();
    if (bytes->size() <= buffered.size()) break;  // the file is shorter than it was
    buffer_ = std::move(*bytes);
    buffer_offset_ = offset_;
    buffered = buffer_;
    result = DecodeRecord(buffered);
  }
  if (result.outcome == DecodeOutcome::kRecord) {
    LIMINAL_CHECK(result.encoded_bytes <= remaining, "a record ends before the end");
    offset_ += result.encoded_bytes;
  }
  return result;
}

}  // namespace liminal::storage
