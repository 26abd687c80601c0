// The record and segment-header format: round trips, checksum coverage, framing checks,
// prefixes, segment file names.
#include "core/storage/log_record.h"

#include <string>

#include "core/storage/crc32c.h"
#include "core/storage/segment.h"
#include "gtest/gtest.h"

namespace liminal::storage {
namespace {

LogRecord Record(uint64_t id, std::optional<std::string> key, std::string envelope) {
  return LogRecord{.id = id,
                   .timestamp = absl::FromUnixNanos(1'700'000'000'123'456'789 + id),
                   .idempotency_key = std::move(key),
                   .envelope = std::move(envelope)};
}

std::string Encode(const LogRecord& record) {
  std::string bytes;
  EXPECT_TRUE(AppendEncodedRecord(record, bytes).ok());
  return bytes;
}

TEST(LogRecord, RoundTripsWithAndWithoutKey) {
  for (const LogRecord& record :
       {Record(1, std::nullopt, "envelope"), Record(2, "key-2", "payload"), Record(3, "", ""),
        Record(UINT64_MAX, std::string(kMaxIdempotencyKeyBytes, 'k'), "x"),
        Record(5, std::nullopt, std::string(100000, '\x7F'))}) {
    const std::string bytes = Encode(record);
    EXPECT_EQ(bytes.size(), EncodedRecordBytes(record));
    const std::string followed = bytes + "trailing bytes";
    const RecordDecodeResult decoded = DecodeRecord(followed);
    ASSERT_EQ(decoded.outcome, DecodeOutcome::kRecord) << decoded.problem;
    EXPECT_EQ(decoded.encoded_bytes, bytes.size());
    EXPECT_EQ(decoded.view.ToRecord(), record);
  }
}

TEST(LogRecord, LayoutIsBigEndianWithChecksumOverTheRest) {
  const std::string bytes = Encode(Record(0x0102030405060708, "ab", "xyz"));
  // crc, length = 8 + 8 + 2 + 2 + 4 + 3 = 27, id, timestamp, key length 2, key, env length 3.
  EXPECT_EQ(bytes.substr(4, 4), std::string("\0\0\0\x1b", 4));
  EXPECT_EQ(bytes.substr(8, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(bytes.substr(24, 4), std::string("\0\x02"
                                             "ab",
                                             4));
  EXPECT_EQ(bytes.substr(28), std::string("\0\0\0\x03xyz", 7));
  const uint32_t crc = Crc32c(std::string_view(bytes).substr(4));
  EXPECT_EQ(bytes.substr(0, 4),
            std::string({static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                         static_cast<char>(crc >> 8), static_cast<char>(crc)}));
}

TEST(LogRecord, NoKeyIsMarkedDistinctFromEmptyKey) {
  const std::string none = Encode(Record(1, std::nullopt, "e"));
  const std::string empty = Encode(Record(1, "", "e"));
  EXPECT_EQ(none.substr(24, 2), "\xFF\xFF");
  EXPECT_EQ(empty.substr(24, 2), std::string("\0\0", 2));
  EXPECT_FALSE(DecodeRecord(none).view.idempotency_key.has_value());
  EXPECT_EQ(DecodeRecord(empty).view.idempotency_key, "");
}

TEST(LogRecord, EveryFlippedBitIsDetected) {
  const std::string bytes = Encode(Record(7, "key", "envelope bytes"));
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      const RecordDecodeResult decoded = DecodeRecord(damaged);
      // A flipped length bit may claim more bytes than there are: that reads as torn.
      EXPECT_NE(decoded.outcome, DecodeOutcome::kRecord) << "byte " << at << " bit " << bit;
    }
  }
}

TEST(LogRecord, EveryProperPrefixIsIncomplete) {
  const std::string bytes = Encode(Record(9, "k", "some envelope"));
  for (size_t length = 0; length < bytes.size(); ++length) {
    const RecordDecodeResult decoded = DecodeRecord(std::string_view(bytes).substr(0, length));
    EXPECT_EQ(decoded.outcome, DecodeOutcome::kIncomplete) << "prefix of " << length;
    if (length >= kRecordFrameBytes) {
      EXPECT_EQ(decoded.encoded_bytes, bytes.size());
    }
  }
}

TEST(LogRecord, BadFramingWithAValidChecksumIsCorrupt) {
  // A body whose envelope length disagrees with the record length, checksummed correctly.
  std::string bytes = Encode(Record(1, std::nullopt, "abc"));
  bytes[bytes.size() - 4] = '\x05';  // envelope length 5, but only 3 bytes remain
  const uint32_t crc = Crc32c(std::string_view(bytes).substr(4));
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(crc >> (24 - 8 * i));
  const RecordDecodeResult decoded = DecodeRecord(bytes);
  EXPECT_EQ(decoded.outcome, DecodeOutcome::kCorrupt);
  EXPECT_NE(decoded.problem.find("envelope length"), std::string::npos) << decoded.problem;
}

TEST(LogRecord, RefusesAnOverlongKey) {
  std::string bytes = "unchanged";
  const absl::Status status =
      AppendEncodedRecord(Record(1, std::string(kMaxIdempotencyKeyBytes + 1, 'k'), ""), bytes);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bytes, "unchanged");
}

TEST(SegmentHeader, IsMagicVersionReserved) {
  const std::string header = SegmentHeader();
  EXPECT_EQ(header, std::string("LIMINLOG\0\0\0\x01\0\0\0\0", 16));
  EXPECT_TRUE(CheckSegmentHeader(header).ok());
  std::string bad_version = header;
  bad_version[11] = 2;
  EXPECT_EQ(CheckSegmentHeader(bad_version).code(), absl::StatusCode::kDataLoss);
  std::string bad_magic = header;
  bad_magic[0] = 'X';
  EXPECT_EQ(CheckSegmentHeader(bad_magic).code(), absl::StatusCode::kDataLoss);
}

TEST(SegmentFileName, HasTwentyDigitsAndParsesBack) {
  EXPECT_EQ(SegmentFileName(42), "00000000000000000042.seg");
  EXPECT_EQ(ParseSegmentFileName("00000000000000000042.seg"), 42u);
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(UINT64_MAX)), UINT64_MAX);
  for (const char* other : {"consumers", "00000000000000000042.seg.tmp", "0000000000000000042.seg",
                            "0000000000000000004x.seg", "00000000000000000000.seg",
                            "99999999999999999999.seg", "+0000000000000000042.seg"}) {
    EXPECT_FALSE(ParseSegmentFileName(other).has_value()) << other;
  }
}

}  // namespace
}  // namespace liminal::storage
