// One segment of a channel log: a file named `<base id, 20 digits>.seg` holding the header
// and records base_id() .. next_id()-1, with the in-memory facts the log needs about it
// (size, newest timestamp, a sparse id -> offset index). SegmentReader walks its records.
//
//   absl::StatusOr<Segment> segment = Segment::Create(fs, "/data/orders", 1, 4096);
//   segment->file().Append(bytes);  segment->NoteAppended(id, timestamp, bytes.size());
//   SparseIndexEntry start = segment->SeekHint(42);          // scan from here to find id 42
//   SegmentReader reader(segment->file(), start.offset, segment->size_bytes(), 64 << 10);
#ifndef LIMINAL_CORE_STORAGE_SEGMENT_H_
#define LIMINAL_CORE_STORAGE_SEGMENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/runtime/file.h"
#include "core/storage/log_record.h"

namespace liminal::storage {

// "00000000000000000042.seg" for base id 42.
std::string SegmentFileName(uint64_t base_id);
// The base id a segment file name encodes; nullopt for any other name.
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);

struct SparseIndexEntry {
  uint64_t id = 0;
  uint64_t offset = 0;  // of the record with that id, in the segment file
};

class Segment {
 public:
  // A segment over an open file whose header is in place and which holds no record yet.
  Segment(std::string path, uint64_t base_id, std::shared_ptr<runtime::File> file,
          uint64_t index_interval_bytes);

  // Creates (or empties) the file for base id `base_id` in `directory` and writes the header.
  // On error the file may exist, shorter than a header: recovery treats that as empty.
  static absl::StatusOr<Segment> Create(runtime::FileSystem& fs, const std::string& directory,
                                        uint64_t base_id, uint64_t index_interval_bytes);

  const std::string& path() const { return path_; }
  uint64_t base_id() const { return base_id_; }
  uint64_t next_id() const { return next_id_; }  // one past the last record
  bool empty() const { return next_id_ == base_id_; }
  uint64_t record_count() const { return next_id_ - base_id_; }
  uint64_t size_bytes() const { return size_bytes_; }  // header and whole records only
  // Newest record timestamp (an upper bound after ForgetFrom); InfinitePast when empty.
  absl::Time newest_timestamp() const { return newest_timestamp_; }
  runtime::File& file() const { return *file_; }
  const std::shared_ptr<runtime::File>& shared_file() const { return file_; }

  // Accounts for record `id` (== next_id()), `encoded_bytes` long, written at size_bytes().
  void NoteAppended(uint64_t id, absl::Time timestamp, uint64_t encoded_bytes);
  // The index entry to scan from to find `id` (base_id() <= id < next_id()).
  SparseIndexEntry SeekHint(uint64_t id) const;
  // Forgets records with id >= `id`; the first of them started at `offset`.
  void ForgetFrom(uint64_t id, uint64_t offset);

 private:
  std::string path_;
  uint64_t base_id_;
  std::shared_ptr<runtime::File> file_;
  uint64_t index_interval_bytes_;
  uint64_t next_id_;
  uint64_t size_bytes_ = kSegmentHeaderBytes;
  absl::Time newest_timestamp_ = absl::InfinitePast();
  std::vector<SparseIndexEntry> index_;  // ascending ids; the first record always has one
};

// Decodes the records stored in [offset, end) of a segment file, in order, reading a chunk
// (at least `chunk_bytes`, more for a longer record) at a time.
class SegmentReader {
 public:
  SegmentReader(const runtime::File& file, uint64_t offset, uint64_t end, size_t chunk_bytes);

  bool AtEnd() const { return offset_ >= end_; }
  uint64_t offset() const { return offset_; }  // where the next record starts
  // The record at offset() (then offset() moves past it), or why there is none: kIncomplete
  // when [offset(), end) ends inside a record, kCorrupt on a bad checksum or framing. The
  // view stays valid until the next call. Errors are read failures.
  absl::StatusOr<RecordDecodeResult> Next();

 private:
  const runtime::File& file_;
  uint64_t offset_;
  uint64_t end_;
  size_t chunk_bytes_;
  std::string buffer_;
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
};

}  // namespace liminal::storage

#endif  // LIMINAL_CORE_STORAGE_SEGMENT_H_
