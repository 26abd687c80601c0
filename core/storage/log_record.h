// The byte format of a channel log (see channel_log.h for the layout): the 16-byte segment
// header and one record's encoding. Pure functions, no I/O.
//
//   std::string bytes = SegmentHeader();
//   absl::Status encoded = AppendEncodedRecord(record, bytes);
//   RecordDecodeResult next = DecodeRecord(std::string_view(bytes).substr(kSegmentHeaderBytes));
//   if (next.outcome == DecodeOutcome::kRecord) use(next.view.ToRecord());
#ifndef LIMINAL_CORE_STORAGE_LOG_RECORD_H_
#define LIMINAL_CORE_STORAGE_LOG_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/storage/channel_log.h"

namespace liminal::storage {

inline constexpr std::string_view kSegmentMagic = "LIMINLOG";
inline constexpr uint32_t kSegmentFormatVersion = 1;
inline constexpr size_t kSegmentHeaderBytes = 16;  // magic, u32 version, u32 reserved

// A record is u32 crc32c, u32 body length, then the body.
inline constexpr size_t kRecordFrameBytes = 8;
// id, timestamp, key length, envelope length: the body of a record without key or envelope.
inline constexpr size_t kMinRecordBodyBytes = 8 + 8 + 2 + 4;
inline constexpr uint16_t kNoKeyMarker = 0xFFFF;
inline constexpr size_t kMaxIdempotencyKeyBytes = 0xFFFE;

// The header every segment starts with.
std::string SegmentHeader();
// OK when `header` (at least kSegmentHeaderBytes) is a valid segment header; otherwise a
// DataLoss error saying what is wrong with it (the caller adds the file name).
absl::Status CheckSegmentHeader(std::string_view header);

// Bytes `record` takes on disk, frame included.
size_t EncodedRecordBytes(const LogRecord& record);
// Appends the encoding of `record` to `out`. InvalidArgument (and `out` unchanged) when the
// key or the envelope is too long for the format.
absl::Status AppendEncodedRecord(const LogRecord& record, std::string& out);

// A decoded record whose key and envelope point into the decoded bytes.
struct RecordView {
  uint64_t id = 0;
  absl::Time timestamp;
  std::optional<std::string_view> idempotency_key;
  std::string_view envelope;

  LogRecord ToRecord() const;
};

enum class DecodeOutcome {
  kRecord,      // `view` and `encoded_bytes` are set
  kIncomplete,  // the bytes end inside the record: a torn write if nothing follows
  kCorrupt,     // checksum or framing wrong: `problem` says which
};

struct RecordDecodeResult {
  DecodeOutcome outcome = DecodeOutcome::kIncomplete;
  RecordView view;
  // kRecord: bytes the record took. kIncomplete: bytes the whole record needs, when its
  // frame was complete enough to tell (else kRecordFrameBytes).
  size_t encoded_bytes = 0;
  std::string problem;
};

// Decodes the record at the start of `bytes` (which may continue with more records).
RecordDecodeResult DecodeRecord(std::string_view bytes);

}  // namespace liminal::storage

#endif  // LIMINAL_CORE_STORAGE_LOG_RECORD_H_
