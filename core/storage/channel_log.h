// ChannelLog: one durable channel's append-only, segmented, checksummed log on the File seam
// (server-behaviour.md §5). Records carry a message id, a wall-clock timestamp, an optional
// idempotency key and the encoded envelope; ids are consecutive within the log and never
// reused, even across restarts and after every record was dropped by retention.
//
//   absl::StatusOr<std::unique_ptr<ChannelLog>> log =
//       ChannelLog::Open(fs, {.directory = "/data/orders"}, wall_now);
//   (*log)->recovery();                          // what recovery found: torn tail, corruption
//   uint64_t id = (*log)->next_id();
//   (*log)->Append({.id = id, .timestamp = wall_now, .envelope = bytes});   // written, not synced
//   ChannelLog::SyncBatch batch = (*log)->PrepareSync();   // under the owner's lock
//   absl::Status synced = batch.Run();                     // off the serving threads, no lock
//   (*log)->MarkSynced(batch);                             // under the owner's lock again
//   (*log)->Read(from_id, 256, 1 << 20);        // replay: records with id >= from_id
//
// On-disk format (README "Durable channels"): a directory per channel holding segments named
// `<base id, 20 decimal digits>.seg`. A segment starts with a 16-byte header (magic
// "LIMINLOG", u32 version 1, u32 reserved 0) and holds records back to back:
//   u32 crc32c   over every byte after this field
//   u32 length   of the body that follows
//   body: u64 id, i64 timestamp (unix nanoseconds), u16 key length (0xFFFF: no key),
//         key bytes, u32 envelope length, envelope bytes
// All integers big-endian. A sparse in-memory index (one entry every `index_interval_bytes`)
// maps ids to offsets, so Read() seeks without scanning a segment from its start.
//
// Recovery (Open): every segment is scanned and every record verified. A record cut short at
// the end of the last segment (a torn write) is truncated away; a record whose checksum,
// framing or id is wrong ends the log there: the rest of that segment is truncated and later
// segments are removed, and recovery() says where and why. A segment whose base id does not
// continue the segment before it (that one lost its unsynced tail in a crash after the roll)
// is removed with the ones after it; recovery() reports corruption only if they held records.
// A segment shorter than its header (torn at creation) is empty and gets its header again;
// names in the directory that are not segments are left alone. next_id() continues after
// the last valid record (or from the last segment's base id when it is empty). What recovery
// keeps is fsynced before Open returns, so synced_next_id() == next_id() then; retention is
// applied at `wall_now`.
//
// Retention: whole sealed segments are dropped, oldest first, while the log exceeds
// max_messages / max_bytes or the segment's newest record is older than max_age. The active
// segment is never dropped, so the log overshoots a limit by at most one segment (the active
// one: segment_bytes plus one record); a segment holding unsynced records is not dropped
// either. Retention runs at Open, on every roll (at the new record's timestamp; a failure
// there leaves the segment for later) and on ApplyRetention.
//
// Not thread-safe: the owner (services::Channel) calls everything under its mutex, except
// SyncBatch::Run, which touches only the files it captured and may run on another thread.
#ifndef LIMINAL_CORE_STORAGE_CHANNEL_LOG_H_
#define LIMINAL_CORE_STORAGE_CHANNEL_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/runtime/file.h"

namespace liminal::storage {

struct RetentionLimits {
  uint64_t max_messages = 0;                      // 0: unlimited
  uint64_t max_bytes = 0;                         // 0: unlimited
  absl::Duration max_age = absl::ZeroDuration();  // zero: unlimited
};

struct ChannelLogOptions {
  std::string directory;                 // created if missing
  uint64_t segment_bytes = 64ull << 20;  // a segment is sealed once it reaches this size
  uint64_t index_interval_bytes = 4096;  // sparse index density
  RetentionLimits retention;
};

struct LogRecord {
  uint64_t id = 0;
  absl::Time timestamp;                        // wall clock at append
  std::optional<std::string> idempotency_key;  // at most 65534 bytes
  std::string envelope;                        // encoded envelope bytes, opaque here

  friend bool operator==(const LogRecord&, const LogRecord&) = default;
};

// What Open found and did.
struct RecoveryReport {
  uint64_t records = 0;           // valid records kept
  uint64_t segments = 0;          // segments kept
  uint64_t truncated_bytes = 0;   // bytes cut from torn or corrupt tails
  uint64_t removed_segments = 0;  // segments after a corrupt record, removed
  // Set when a corrupt record (not merely a torn tail) ended the log: segment file, offset
  // and what was wrong, written for the operator.
  std::optional<std::string> corruption;
};

class ChannelLog {
 public:
  // Files to fsync and the id range they cover; produced by PrepareSync, run anywhere.
  class SyncBatch {
   public:
    // fsyncs every captured file in log order, stopping at the first error (a later segment
    // never becomes durable ahead of an earlier one's unsynced records).
    absl::Status Run() const;
    uint64_t covers_up_to() const { return next_id_ - 1; }  // last id made durable
    bool empty() const { return files_.empty(); }

   private:
    friend class ChannelLog;
    std::vector<std::shared_ptr<runtime::File>> files_;
    uint64_t next_id_ = 1;
    uint64_t rewind_epoch_ = 0;  // a batch prepared before a Rewind proves nothing
  };

  static absl::StatusOr<std::unique_ptr<ChannelLog>> Open(runtime::FileSystem& fs,
                                                          ChannelLogOptions options,
                                                          absl::Time wall_now);
  ~ChannelLog();
  ChannelLog(const ChannelLog&) = delete;
  ChannelLog& operator=(const ChannelLog&) = delete;

  const RecoveryReport& recovery() const;

  uint64_t next_id() const;         // the id the next Append must carry
  uint64_t first_id() const;        // oldest retained id; == next_id() when empty
  uint64_t synced_next_id() const;  // records with id < this are known durable
  uint64_t size_bytes() const;      // bytes on disk across retained segments
  uint64_t segment_count() const;
  uint64_t segments_dropped() const;  // by retention, since Open

  // Writes one record (no fsync). `record.id` must equal next_id(). Rolls to a new segment
  // first when the active one is full (and applies retention then). On error nothing is
  // half-written: the partial bytes are truncated away (if even that fails, the log
  // cuts them before the next Append, which fails while it cannot). Errors name the file
  // and offset. InvalidArgument when the id is wrong or the key is too long.
  absl::Status Append(const LogRecord& record);

  // The files holding unsynced records (after a roll, the previous segment too; after a
  // Rewind, the file it truncated), and the ids they cover. Empty when all is synced.
  SyncBatch PrepareSync();
  // Records that `batch` ran successfully. A batch prepared before a Rewind is ignored (it
  // may have synced records the Rewind then cut); the next batch covers its ids again.
  void MarkSynced(const SyncBatch& batch);
  // Forgets every record with id >= `next_id` that is not synced yet (after a failed
  // fsync: those records were never acknowledged). next_id() becomes `next_id`: segments
  // starting after it are removed and the one holding it is truncated (the truncation is
  // made durable by the next SyncBatch). `next_id` must be in [synced_next_id(), next_id()]
  // (else InvalidArgument). If truncating fails the log is rewound anyway and Append cuts
  // the stale bytes first.
  absl::Status Rewind(uint64_t next_id);

  // Up to `max_records` records (and about `max_bytes`, at least one) with id >= `from_id`,
  // in id order. Starts at first_id() if `from_id` is older; empty at next_id(). Seeks via
  // the segment list and the sparse index; never returns ids >= next_id(), synced or not
  // (the caller decides visibility). DataLoss if a verified record no longer reads back.
  absl::StatusOr<std::vector<LogRecord>> Read(uint64_t from_id, size_t max_records,
                                              size_t max_bytes) const;

  // The records with an idempotency key and a timestamp after `since` (for restoring a
  // dedup window), oldest first, envelopes included. Scans only segments whose newest
  // record is after `since`.
  absl::StatusOr<std::vector<LogRecord>> RecordsWithKeysSince(absl::Time since) const;

  // Drops sealed segments beyond the retention limits at `wall_now`. Returns how many.
  absl::StatusOr<size_t> ApplyRetention(absl::Time wall_now);

  // fsyncs everything now, on the calling thread (shutdown), and marks it synced.
  absl::Status SyncNow();

 private:
  class Impl;
  explicit ChannelLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liminal::storage

#endif  // LIMINAL_CORE_STORAGE_CHANNEL_LOG_H_
