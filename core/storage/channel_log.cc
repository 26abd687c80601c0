#include "core/storage/channel_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/check/check.h"
#include "core/storage/annotate.h"
#include "core/storage/log_record.h"
#include "core/storage/segment.h"
#include "core/storage/segment_scan.h"

namespace liminal::storage {
namespace {

constexpr size_t kMaxReadChunkBytes = 1 << 20;

}  // namespace

class ChannelLog::Impl {
 public:
  Impl(runtime::FileSystem& fs, ChannelLogOptions options)
      : fs_(fs), options_(std::move(options)) {}

  // Open, after the directory exists: recovers every segment, makes what it kept durable.
  absl::Status Recover(absl::Time wall_now);

  const RecoveryReport& recovery() const { return recovery_; }
  uint64_t next_id() const { return active().next_id(); }
  uint64_t first_id() const { return segments_.front().base_id(); }
  uint64_t synced_next_id() const { return synced_next_id_; }
  uint64_t size_bytes() const {
    uint64_t total = 0;
    for (const Segment& segment : segments_) total += segment.size_bytes();
    return total;
  }
  uint64_t segment_count() const { return segments_.size(); }
  uint64_t segments_dropped() const { return segments_dropped_; }

  absl::Status Append(const LogRecord& record);
  SyncBatch PrepareSync() const;
  void MarkSynced(const SyncBatch& batch);
  absl::Status Rewind(uint64_t new_next_id);
  absl::StatusOr<std::vector<LogRecord>> Read(uint64_t from_id, size_t max_records,
                                              size_t max_bytes) const;
  absl::StatusOr<std::vector<LogRecord>> RecordsWithKeysSince(absl::Time since) const;
  absl::StatusOr<size_t> ApplyRetention(absl::Time wall_now);
  absl::Status SyncNow();

 private:
  Segment& active() { return segments_.back(); }
  const Segment& active() const { return segments_.back(); }
  std::string PathOf(uint64_t base_id) const {
    return absl::StrCat(options_.directory, "/", SegmentFileName(base_id));
  }
  // Removes the segment files of `bases` (recovery found them past the end of the log).
  absl::Status RemoveSegmentFiles(const std::vector<uint64_t>& bases);
  // Whether any of the segment files `bases` holds at least one valid record.
  absl::StatusOr<bool> AnyHoldsRecords(const std::vector<uint64_t>& bases);
  // Removes the file a failed roll may have left (see abandoned_segment_).
  absl::Status RemoveAbandonedSegment();
  // The offset of record `id` in `segment`, found through the sparse index.
  absl::StatusOr<uint64_t> OffsetOf(const Segment& segment, uint64_t id) const;
  // The part of ApplyRetention that decides whether the oldest segment goes.
  bool OldestSegmentIsBeyondLimits(absl::Time wall_now) const;
  void CheckInvariants() const;

  runtime::FileSystem& fs_;
  const ChannelLogOptions options_;
  std::vector<Segment> segments_;  // ascending, consecutive ids; back() is active; never empty
  uint64_t synced_next_id_ = 1;
  uint64_t segments_dropped_ = 0;  // by retention, since Open
  RecoveryReport recovery_;
  // The active segment's file may hold bytes past size_bytes() (a failed Append or Rewind
  // could not truncate them): cut them before the next Append.
  bool active_tail_needs_truncation_ = false;
  // Bumped by every Rewind: a SyncBatch prepared before one may have synced records that
  // were then cut, so MarkSynced ignores it.
  uint64_t rewind_epoch_ = 0;
  // The base id of a segment file a failed roll may have left behind, not removed yet.
  std::optional<uint64_t> abandoned_segment_;
  // Files a Rewind truncated and no successful sync has covered since.
  std::vector<std::shared_ptr<runtime::File>> truncated_files_;
};

absl::Status ChannelLog::Impl::Recover(absl::Time wall_now) {
  absl::StatusOr<std::vector<std::string>> names = fs_.List(options_.directory);
  if (!names.ok()) return Annotate(names.status(), "recovering the channel log");
  std::vector<uint64_t> bases;
  for (const std::string& name : *names) {
    if (std::optional<uint64_t> base = ParseSegmentFileName(name)) bases.push_back(*base);
  }
  std::sort(bases.begin(), bases.end());

  for (size_t i = 0; i < bases.size(); ++i) {
    const std::string path = PathOf(bases[i]);
    const std::vector<uint64_t> later(bases.begin() + static_cast<ptrdiff_t>(i) + 1, bases.end());
    if (!segments_.empty() && bases[i] != next_id()) {
      // The records before this segment's base id are missing: the log ends before it. After
      // a crash that is the unsynced tail of the previous segment lost while this one was
      // already created; if this or a later segment holds records, something else went wrong.
      std::vector<uint64_t> removed(bases.begin() + static_cast<ptrdiff_t>(i), bases.end());
      absl::StatusOr<bool> hold_records = AnyHoldsRecords(removed);
      if (!hold_records.ok()) return hold_records.status();
      if (*hold_records) {
        recovery_.corruption = absl::StrCat(
            path, ": starts at id ", bases[i], " but the log before it ends at id ", next_id() - 1,
            "; removed it and the ", removed.size() - 1, " segments after it");
      }
      if (absl::Status status = RemoveSegmentFiles(removed); !status.ok()) return status;
      break;
    }
    absl::StatusOr<std::unique_ptr<runtime::File>> opened = fs_.OpenAppend(path);
    if (!opened.ok()) return Annotate(opened.status(), "recovering the channel log");
    const uint64_t stop_before = later.empty() ? UINT64_MAX : later.front();
    absl::StatusOr<SegmentScan> scan =
        ScanSegment(path, std::shared_ptr<runtime::File>(std::move(*opened)), bases[i], stop_before,
                    options_.index_interval_bytes);
    if (!scan.ok()) return Annotate(scan.status(), absl::StrCat("recovering ", path));
    Segment& segment = scan->segment;
    runtime::File& file = segment.file();
    const bool rewrite_header =
        scan->ending == SegmentEnding::kShortHeader || scan->ending == SegmentEnding::kBadHeader;
    if (rewrite_header) {
      if (scan->ending == SegmentEnding::kBadHeader) recovery_.truncated_bytes += scan->file_bytes;
      absl::Status status = file.Truncate(0);
      if (status.ok()) status = file.Append(SegmentHeader());
      if (!status.ok()) return Annotate(status, absl::StrCat("rewriting the header of ", path));
    } else if (scan->file_bytes > segment.size_bytes()) {
      recovery_.truncated_bytes += scan->file_bytes - segment.size_bytes();
      if (absl::Status status = file.Truncate(segment.size_bytes()); !status.ok()) {
        return Annotate(status,
                        absl::StrCat("truncating ", path, " to ", segment.size_bytes(), " bytes"));
      }
    }
    recovery_.records += segment.record_count();
    segments_.push_back(std::move(segment));
    if (scan->ending == SegmentEnding::kSuperseded) {
      // No operation of this log writes that; keep the later segment (it was written
      // after this one's records) and tell the operator.
      recovery_.corruption = absl::StrCat(path, ": offset ", scan->problem_offset, ": ",
                                          scan->problem, "; truncated the overlap");
    }
    if (scan->ending == SegmentEnding::kBadHeader || scan->ending == SegmentEnding::kCorrupt) {
      // Nothing after a corrupt record can be trusted to continue the log.
      recovery_.corruption =
          absl::StrCat(path, ": offset ", scan->problem_offset, ": ", scan->problem, "; truncated ",
                       scan->file_bytes - (rewrite_header ? 0 : segments_.back().size_bytes()),
                       " bytes there and removed the ", later.size(), " segments after it");
      if (absl::Status status = RemoveSegmentFiles(later); !status.ok()) return status;
      break;
    }
  }
  if (segments_.empty()) {
    absl::StatusOr<Segment> first =
        Segment::Create(fs_, options_.directory, 1, options_.index_interval_bytes);
    if (!first.ok()) return Annotate(first.status(), "creating the first segment");
    segments_.push_back(std::move(*first));
  }
  recovery_.segments = segments_.size();
  // What recovery kept may be only in the page cache (the process died, not the machine):
  // make it durable before anyone relies on it, together with the truncations above.
  for (const Segment& segment : segments_) {
    if (absl::Status status = segment.file().Sync(); !status.ok()) {
      return Annotate(status, absl::StrCat("syncing ", segment.path(), " after recovery"));
    }
  }
  synced_next_id_ = next_id();
  CheckInvariants();
  return ApplyRetention(wall_now).status();
}

absl::Status ChannelLog::Impl::RemoveSegmentFiles(const std::vector<uint64_t>& bases) {
  // Newest first: a failure part-way leaves the log a consecutive prefix.
  for (auto base = bases.rbegin(); base != bases.rend(); ++base) {
    const std::string path = PathOf(*base);
    if (absl::Status status = fs_.Remove(path); !status.ok()) {
      return Annotate(status, absl::StrCat("removing ", path, " (past the end of the log)"));
    }
    ++recovery_.removed_segments;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ChannelLog::Impl::AnyHoldsRecords(const std::vector<uint64_t>& bases) {
  for (uint64_t base : bases) {
    const std::string path = PathOf(base);
    absl::StatusOr<std::unique_ptr<runtime::File>> opened = fs_.OpenAppend(path);
    if (!opened.ok()) return Annotate(opened.status(), absl::StrCat("recovering ", path));
    absl::StatusOr<SegmentScan> scan =
        ScanSegment(path, std::shared_ptr<runtime::File>(std::move(*opened)), base, UINT64_MAX,
                    options_.index_interval_bytes);
    if (!scan.ok()) return Annotate(scan.status(), absl::StrCat("recovering ", path));
    if (!scan->segment.empty()) return true;
  }
  return false;
}

void ChannelLog::Impl::CheckInvariants() const {
  LIMINAL_CHECK(!segments_.empty(), "there is always an active segment");
  for (size_t i = 1; i < segments_.size(); ++i) {
    LIMINAL_CHECK(segments_[i].base_id() == segments_[i - 1].next_id(),
                  "segments hold consecutive ids");
    LIMINAL_CHECK(!segments_[i - 1].empty(), "sealed segments hold records");
  }
  LIMINAL_CHECK(synced_next_id_ >= first_id() && synced_next_id_ <= next_id(),
                "synced records are retained records");
}

absl::Status ChannelLog::Impl::Append(const LogRecord& record) {
  if (record.id != next_id()) {
    return absl::InvalidArgumentError(absl::StrCat(options_.directory, ": append of record id ",
                                                   record.id, ", but the next id is ", next_id()));
  }
  std::string bytes;
  if (absl::Status encoded = AppendEncodedRecord(record, bytes); !encoded.ok()) {
    return Annotate(encoded, options_.directory);
  }
  if (absl::Status removed = RemoveAbandonedSegment(); !removed.ok()) return removed;
  if (active_tail_needs_truncation_) {
    if (absl::Status status = active().file().Truncate(active().size_bytes()); !status.ok()) {
      return Annotate(status, absl::StrCat("cutting the partial record at offset ",
                                           active().size_bytes(), " of ", active().path()));
    }
    active_tail_needs_truncation_ = false;
  }
  if (!active().empty() && active().size_bytes() >= options_.segment_bytes) {
    absl::StatusOr<Segment> rolled =
        Segment::Create(fs_, options_.directory, record.id, options_.index_interval_bytes);
    if (!rolled.ok()) {
      // The file may exist, empty or with part of a header. Left behind, it would claim
      // its ids after a Rewind below them, so it goes now or before the next Append.
      abandoned_segment_ = record.id;
      RemoveAbandonedSegment().IgnoreError();
      return Annotate(rolled.status(), absl::StrCat("rolling to segment ", PathOf(record.id)));
    }
    segments_.push_back(std::move(*rolled));
    // Best effort: a segment that cannot be removed now stays until the next roll or
    // ApplyRetention, which reports the error. The append itself is unaffected.
    ApplyRetention(record.timestamp).IgnoreError();
  }
  Segment& segment = active();
  const uint64_t offset = segment.size_bytes();
  if (absl::Status written = segment.file().Append(bytes); !written.ok()) {
    if (!segment.file().Truncate(offset).ok()) active_tail_needs_truncation_ = true;
    return Annotate(written, absl::StrCat("appending record ", record.id, " (", bytes.size(),
                                          " bytes) at offset ", offset, " of ", segment.path()));
  }
  segment.NoteAppended(record.id, record.timestamp, bytes.size());
  return absl::OkStatus();
}

ChannelLog::SyncBatch ChannelLog::Impl::PrepareSync() const {
  SyncBatch batch;
  batch.next_id_ = next_id();
  batch.rewind_epoch_ = rewind_epoch_;
  for (const Segment& segment : segments_) {
    // Holds a record with id >= synced_next_id_.
    if (segment.next_id() > std::max(segment.base_id(), synced_next_id_)) {
      batch.files_.push_back(segment.shared_file());
    }
  }
  for (const std::shared_ptr<runtime::File>& file : truncated_files_) {
    if (std::find(batch.files_.begin(), batch.files_.end(), file) == batch.files_.end()) {
      batch.files_.push_back(file);
    }
  }
  return batch;
}

void ChannelLog::Impl::MarkSynced(const SyncBatch& batch) {
  if (batch.rewind_epoch_ != rewind_epoch_) return;  // prepared before a Rewind: proves nothing
  LIMINAL_CHECK(batch.next_id_ <= next_id(), "a batch covers appended records only");
  synced_next_id_ = std::max(synced_next_id_, batch.next_id_);
  truncated_files_.clear();  // every one was captured by the batch (no Rewind since)
}

absl::Status ChannelLog::Impl::RemoveAbandonedSegment() {
  if (!abandoned_segment_.has_value()) return absl::OkStatus();
  const std::string path = PathOf(*abandoned_segment_);
  const absl::Status removed = fs_.Remove(path);
  if (!removed.ok() && !absl::IsNotFound(removed)) {
    return Annotate(removed, absl::StrCat("removing ", path, " (a roll to it failed)"));
  }
  abandoned_segment_.reset();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ChannelLog::Impl::OffsetOf(const Segment& segment, uint64_t id) const {
  const SparseIndexEntry hint = segment.SeekHint(id);
  SegmentReader reader(segment.file(), hint.offset, segment.size_bytes(),
                       options_.index_interval_bytes + kRecordFrameBytes);
  for (uint64_t expected = hint.id; !reader.AtEnd(); ++expected) {
    if (expected == id) return reader.offset();
    const uint64_t offset = reader.offset();
    absl::StatusOr<RecordDecodeResult> next = reader.Next();
    if (!next.ok()) return Annotate(next.status(), segment.path());
    if (next->outcome != DecodeOutcome::kRecord || next->view.id != expected) {
      return absl::DataLossError(absl::StrCat(segment.path(), ": offset ", offset, ": record ",
                                              expected, " is unreadable"));
    }
  }
  return absl::DataLossError(
      absl::StrCat(segment.path(), ": record ", id, " is missing from the segment"));
}

absl::Status ChannelLog::Impl::Rewind(uint64_t new_next_id) {
  if (new_next_id < synced_next_id_ || new_next_id > next_id()) {
    return absl::InvalidArgumentError(absl::StrCat(options_.directory, ": rewind to id ",
                                                   new_next_id, " outside the unsynced records [",
                                                   synced_next_id_, ", ", next_id(), "]"));
  }
  if (new_next_id == next_id()) return absl::OkStatus();
  if (absl::Status removed = RemoveAbandonedSegment(); !removed.ok()) return removed;
  ++rewind_epoch_;
  while (active().base_id() > new_next_id) {
    LIMINAL_CHECK(segments_.size() > 1, "the first segment starts at or before synced");
    if (absl::Status status = fs_.Remove(active().path()); !status.ok()) {
      return Annotate(status,
                      absl::StrCat("removing ", active().path(), " to rewind to id ", new_next_id));
    }
    segments_.pop_back();
    active_tail_needs_truncation_ = false;  // that concerned the removed segment
  }
  Segment& segment = active();
  uint64_t offset = kSegmentHeaderBytes;
  if (new_next_id > segment.base_id()) {
    absl::StatusOr<uint64_t> found = OffsetOf(segment, new_next_id);
    if (!found.ok()) return found.status();
    offset = *found;
  }
  segment.ForgetFrom(new_next_id, offset);
  truncated_files_.push_back(segment.shared_file());
  if (absl::Status status = segment.file().Truncate(offset); !status.ok()) {
    active_tail_needs_truncation_ = true;
    return Annotate(status, absl::StrCat("truncating ", segment.path(), " at offset ", offset,
                                         " to rewind to id ", new_next_id));
  }
  CheckInvariants();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<LogRecord>> ChannelLog::Impl::Read(uint64_t from_id, size_t max_records,
                                                              size_t max_bytes) const {
  std::vector<LogRecord> records;
  from_id = std::max(from_id, first_id());
  if (max_records == 0 || from_id >= next_id()) return records;
  // The segment holding from_id: the last one whose base id is <= from_id.
  auto segment = std::prev(std::upper_bound(
      segments_.begin(), segments_.end(), from_id,
      [](uint64_t id, const Segment& candidate) { return id < candidate.base_id(); }));
  // Enough to reach from_id from its index entry and return about max_bytes, in one read.
  const size_t chunk_bytes = static_cast<size_t>(
      std::min<uint64_t>(options_.index_interval_bytes, kMaxReadChunkBytes) +
      std::min<uint64_t>(std::max<size_t>(max_bytes, kRecordFrameBytes), kMaxReadChunkBytes));
  size_t bytes = 0;
  for (; segment != segments_.end(); ++segment) {
    if (segment->empty()) continue;
    const SparseIndexEntry hint = segment->SeekHint(std::max(from_id, segment->base_id()));
    SegmentReader reader(segment->file(), hint.offset, segment->size_bytes(), chunk_bytes);
    for (uint64_t expected = hint.id; !reader.AtEnd(); ++expected) {
      const uint64_t offset = reader.offset();
      absl::StatusOr<RecordDecodeResult> next = reader.Next();
      if (!next.ok()) return Annotate(next.status(), absl::StrCat("reading ", segment->path()));
      if (next->outcome != DecodeOutcome::kRecord || next->view.id != expected) {
        return absl::DataLossError(absl::StrCat(
            segment->path(), ": offset ", offset, ": record ", expected, " is unreadable (",
            next->outcome == DecodeOutcome::kCorrupt ? next->problem : "cut short",
            ") although recovery verified it"));
      }
      if (expected < from_id) continue;
      if (!records.empty() && bytes + next->encoded_bytes > max_bytes) return records;
      bytes += next->encoded_bytes;
      records.push_back(next->view.ToRecord());
      if (records.size() == max_records) return records;
    }
  }
  return records;
}

absl::StatusOr<std::vector<LogRecord>> ChannelLog::Impl::RecordsWithKeysSince(
    absl::Time since) const {
  std::vector<LogRecord> records;
  for (const Segment& segment : segments_) {
    if (segment.empty() || segment.newest_timestamp() <= since) continue;
    SegmentReader reader(segment.file(), kSegmentHeaderBytes, segment.size_bytes(),
                         kMaxReadChunkBytes);
    while (!reader.AtEnd()) {
      const uint64_t offset = reader.offset();
      absl::StatusOr<RecordDecodeResult> next = reader.Next();
      if (!next.ok()) return Annotate(next.status(), absl::StrCat("reading ", segment.path()));
      if (next->outcome != DecodeOutcome::kRecord) {
        return absl::DataLossError(absl::StrCat(segment.path(), ": offset ", offset,
                                                ": unreadable record although recovery "
                                                "verified it"));
      }
      if (next->view.idempotency_key && next->view.timestamp > since) {
        records.push_back(next->view.ToRecord());
      }
    }
  }
  return records;
}

bool ChannelLog::Impl::OldestSegmentIsBeyondLimits(absl::Time wall_now) const {
  const RetentionLimits& limits = options_.retention;
  const Segment& oldest = segments_.front();
  if (limits.max_messages > 0 && next_id() - first_id() > limits.max_messages) return true;
  if (limits.max_bytes > 0 && size_bytes() > limits.max_bytes) return true;
  return limits.max_age > absl::ZeroDuration() &&
         oldest.newest_timestamp() < wall_now - limits.max_age;
}

absl::StatusOr<size_t> ChannelLog::Impl::ApplyRetention(absl::Time wall_now) {
  size_t dropped = 0;
  // Never the active segment, never one holding records not yet synced.
  while (segments_.size() > 1 && segments_.front().next_id() <= synced_next_id_ &&
         OldestSegmentIsBeyondLimits(wall_now)) {
    const std::string& path = segments_.front().path();
    if (absl::Status status = fs_.Remove(path); !status.ok()) {
      return Annotate(status, absl::StrCat("removing ", path, " (retention)"));
    }
    segments_.erase(segments_.begin());
    ++dropped;
    ++segments_dropped_;
  }
  CheckInvariants();
  return dropped;
}

absl::Status ChannelLog::Impl::SyncNow() {
  SyncBatch batch = PrepareSync();
  if (std::find(batch.files_.begin(), batch.files_.end(), active().shared_file()) ==
      batch.files_.end()) {
    batch.files_.push_back(active().shared_file());  // its header, at least
  }
  if (absl::Status status = batch.Run(); !status.ok()) {
    return Annotate(status, absl::StrCat("syncing ", options_.directory));
  }
  MarkSynced(batch);
  return absl::OkStatus();
}

absl::Status ChannelLog::SyncBatch::Run() const {
  // In segment order, stopping at the first failure: a later segment never becomes durable
  // while an earlier one still holds unsynced records (recovery relies on that).
  for (const std::shared_ptr<runtime::File>& file : files_) {
    if (absl::Status status = file->Sync(); !status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ChannelLog>> ChannelLog::Open(runtime::FileSystem& fs,
                                                             ChannelLogOptions options,
                                                             absl::Time wall_now) {
  if (options.directory.empty()) {
    return absl::InvalidArgumentError("channel log: no directory given");
  }
  if (absl::Status created = fs.CreateDirectories(options.directory); !created.ok()) {
    return Annotate(created, absl::StrCat("creating ", options.directory));
  }
  auto impl = std::make_unique<Impl>(fs, std::move(options));
  if (absl::Status recovered = impl->Recover(wall_now); !recovered.ok()) return recovered;
  return std::unique_ptr<ChannelLog>(new ChannelLog(std::move(impl)));
}

ChannelLog::ChannelLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChannelLog::~ChannelLog() = default;

const RecoveryReport& ChannelLog::recovery() const { return impl_->recovery(); }
uint64_t ChannelLog::next_id() const { return impl_->next_id(); }
uint64_t ChannelLog::first_id() const { return impl_->first_id(); }
uint64_t ChannelLog::synced_next_id() const { return impl_->synced_next_id(); }
uint64_t ChannelLog::size_bytes() const { return impl_->size_bytes(); }
uint64_t ChannelLog::segment_count() const { return impl_->segment_count(); }
uint64_t ChannelLog::segments_dropped() const { return impl_->segments_dropped(); }

absl::Status ChannelLog::Append(const LogRecord& record) { return impl_->Append(record); }
ChannelLog::SyncBatch ChannelLog::PrepareSync() { return impl_->PrepareSync(); }
void ChannelLog::MarkSynced(const SyncBatch& batch) { impl_->MarkSynced(batch); }
absl::Status ChannelLog::Rewind(uint64_t next_id) { return impl_->Rewind(next_id); }

absl::StatusOr<std::vector<LogRecord>> ChannelLog::Read(uint64_t from_id, size_t max_records,
                                                        size_t max_bytes) const {
  return impl_->Read(from_id, max_records, max_bytes);
}

absl::StatusOr<std::vector<LogRecord>> ChannelLog::RecordsWithKeysSince(absl::Time since) const {
  return impl_->RecordsWithKeysSince(since);
}

absl::StatusOr<size_t> ChannelLog::ApplyRetention(absl::Time wall_now) {
  return impl_->ApplyRetention(wall_now);
}

absl::Status ChannelLog::SyncNow() { return impl_->SyncNow(); }

}  // namespace liminal::storage
