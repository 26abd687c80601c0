// ChannelLog::Open after crashes and damage: torn tails at every cut point, torn segment
// headers, lost tails before a roll, corrupt records, ids that do not continue, leftovers
// of a Rewind. Each case checks what survives, what recovery() reports and that the log
// keeps working.
#include "core/storage/channel_log.h"
#include "tests/unit/storage/channel_log_test_support.h"

namespace liminal::storage {
namespace {

using test_support::AppendThrough;
using test_support::EncodedBytesOf;
using test_support::IdRange;
using test_support::IdsOf;
using test_support::kDirectory;
using test_support::MakeRecord;
using test_support::OpenLog;
using test_support::Options;
using test_support::ReadAll;
using test_support::SegmentFilesIn;
using test_support::SegmentPath;
using test_support::SyncBatchNow;

const uint64_t kRecordBytes = EncodedBytesOf(40);
const uint64_t kTenRecordSegment = kSegmentHeaderBytes + 10 * kRecordBytes;

// Writes (and syncs) a segment file by hand: the header and `records`, encoded.
void WriteSegment(testing::InMemoryFileSystem& fs, uint64_t base_id,
                  const std::vector<LogRecord>& records) {
  std::string bytes = SegmentHeader();
  for (const LogRecord& record : records) ASSERT_TRUE(AppendEncodedRecord(record, bytes).ok());
  absl::StatusOr<std::unique_ptr<runtime::File>> file = fs.OpenAppend(SegmentPath(base_id));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Truncate(0).ok());
  ASSERT_TRUE((*file)->Append(bytes).ok());
  ASSERT_TRUE((*file)->Sync().ok());
}

std::vector<LogRecord> Records(uint64_t first, uint64_t last) {
  std::vector<LogRecord> records;
  for (uint64_t id = first; id <= last; ++id) records.push_back(MakeRecord(id));
  return records;
}

TEST(ChannelLogRecovery, CutsATornLastRecordAtEveryCutPoint) {
  for (uint64_t cut = 0; cut <= kRecordBytes; ++cut) {
    SCOPED_TRACE(absl::StrCat("cut after ", cut, " bytes of the last record"));
    testing::InMemoryFileSystem fs;
    {
      auto log = OpenLog(fs, Options());
      AppendThrough(*log, 4);
      ASSERT_TRUE(SyncBatchNow(*log).ok());
      AppendThrough(*log, 5);
    }
    fs.SimulateCrashTearingLastWrite(cut);
    auto log = OpenLog(fs, Options());
    const bool whole = cut == kRecordBytes;
    EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, whole ? 5 : 4));
    EXPECT_EQ(log->recovery().records, whole ? 5u : 4u);
    EXPECT_EQ(log->recovery().truncated_bytes, whole ? 0u : cut);
    EXPECT_FALSE(log->recovery().corruption.has_value());
    EXPECT_EQ(fs.ContentsOf(SegmentPath(1))->data.size(),
              kSegmentHeaderBytes + (whole ? 5 : 4) * kRecordBytes);
    EXPECT_EQ(log->synced_next_id(), log->next_id());  // recovery synced what it kept
    AppendThrough(*log, 7);
    log.reset();
    fs.SimulateCrash();
    EXPECT_EQ(IdsOf(ReadAll(*OpenLog(fs, Options()))), IdRange(1, whole ? 5 : 4));
  }
}

TEST(ChannelLogRecovery, ASegmentTornAtCreationIsEmptyAndGetsItsHeaderBack) {
  for (uint64_t kept = 0; kept < kSegmentHeaderBytes; ++kept) {
    SCOPED_TRACE(absl::StrCat(kept, " header bytes survived"));
    testing::InMemoryFileSystem fs;
    {
      auto log = OpenLog(fs, Options(kTenRecordSegment));
      AppendThrough(*log, 10);
      ASSERT_TRUE(SyncBatchNow(*log).ok());
      AppendThrough(*log, 11);  // creates segment 11: header and record, both unsynced
    }
    fs.SimulateCrashTearingLastWrite(kept);
    ASSERT_EQ(fs.ContentsOf(SegmentPath(11))->data.size(), kept);
    auto log = OpenLog(fs, Options(kTenRecordSegment));
    EXPECT_EQ(log->next_id(), 11u);
    EXPECT_EQ(log->segment_count(), 2u);
    EXPECT_FALSE(log->recovery().corruption.has_value());
    EXPECT_EQ(fs.ContentsOf(SegmentPath(11))->data, SegmentHeader());
    AppendThrough(*log, 12);
    EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 12));
  }
}

TEST(ChannelLogRecovery, AnEmptyLastSegmentGivesNextId) {
  testing::InMemoryFileSystem fs;
  WriteSegment(fs, 42, {});
  auto log = OpenLog(fs, Options());
  EXPECT_EQ(log->next_id(), 42u);
  EXPECT_EQ(log->first_id(), 42u);
  EXPECT_TRUE(ReadAll(*log).empty());
  ASSERT_TRUE(log->Append(MakeRecord(42)).ok());
}

TEST(ChannelLogRecovery, RecoversAMultiSegmentLogAndItsIndex) {
  testing::InMemoryFileSystem fs;
  {
    auto log = OpenLog(fs, Options(kTenRecordSegment));
    AppendThrough(*log, 95);
    ASSERT_TRUE(log->SyncNow().ok());
  }
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  EXPECT_EQ(log->recovery().records, 95u);
  EXPECT_EQ(log->recovery().segments, 10u);
  EXPECT_EQ(log->recovery().truncated_bytes, 0u);
  EXPECT_EQ(log->first_id(), 1u);
  EXPECT_EQ(log->next_id(), 96u);
  EXPECT_EQ(log->size_bytes(), 10 * kSegmentHeaderBytes + 95 * kRecordBytes);
  for (uint64_t from = 1; from <= 95; ++from) {
    EXPECT_EQ((*log->Read(from, 1, SIZE_MAX))[0], MakeRecord(from));
  }
}

// The unsynced tail of segment 1 is lost, but segment 11, created by the roll, survives
// (directory operations are durable): the log ends where segment 1 now ends.
TEST(ChannelLogRecovery, ASegmentAfterALostTailIsRemoved) {
  testing::InMemoryFileSystem fs;
  {
    auto log = OpenLog(fs, Options(kTenRecordSegment));
    AppendThrough(*log, 5);
    ASSERT_TRUE(SyncBatchNow(*log).ok());
    AppendThrough(*log, 12);
  }
  fs.SimulateCrash();
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  EXPECT_EQ(log->next_id(), 6u);
  EXPECT_EQ(log->recovery().removed_segments, 1u);
  EXPECT_FALSE(log->recovery().corruption.has_value());
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1}));
  AppendThrough(*log, 11);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11}));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 11));
}

TEST(ChannelLogRecovery, AFlippedByteEndsTheLogAtThatRecordAndSaysWhere) {
  testing::InMemoryFileSystem fs;
  {
    auto log = OpenLog(fs, Options(kTenRecordSegment));
    AppendThrough(*log, 25);
    ASSERT_TRUE(log->SyncNow().ok());
  }
  // Record 15: the fifth in segment 11.
  const uint64_t offset = kSegmentHeaderBytes + 4 * kRecordBytes;
  fs.ContentsOf(SegmentPath(11))->data[offset + 40] ^= 0x20;
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 14));
  const RecoveryReport& report = log->recovery();
  ASSERT_TRUE(report.corruption.has_value());
  EXPECT_NE(report.corruption->find(SegmentPath(11)), std::string::npos) << *report.corruption;
  EXPECT_NE(report.corruption->find(absl::StrCat("offset ", offset)), std::string::npos)
      << *report.corruption;
  EXPECT_NE(report.corruption->find("checksum"), std::string::npos) << *report.corruption;
  EXPECT_EQ(report.records, 14u);
  EXPECT_EQ(report.truncated_bytes, 6 * kRecordBytes);
  EXPECT_EQ(report.removed_segments, 1u);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11}));
  EXPECT_EQ(fs.ContentsOf(SegmentPath(11))->data.size(), offset);
  AppendThrough(*log, 16);
  log.reset();
  auto reopened = OpenLog(fs, Options(kTenRecordSegment));
  EXPECT_EQ(IdsOf(ReadAll(*reopened)), IdRange(1, 16));
  EXPECT_FALSE(reopened->recovery().corruption.has_value());
}

TEST(ChannelLogRecovery, ASegmentWhoseIdsDoNotContinueIsCorruption) {
  testing::InMemoryFileSystem fs;
  WriteSegment(fs, 1, Records(1, 3));
  WriteSegment(fs, 10, Records(10, 12));
  WriteSegment(fs, 13, Records(13, 14));
  auto log = OpenLog(fs, Options());
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 3));
  ASSERT_TRUE(log->recovery().corruption.has_value());
  EXPECT_NE(log->recovery().corruption->find(SegmentPath(10)), std::string::npos)
      << *log->recovery().corruption;
  EXPECT_EQ(log->recovery().removed_segments, 2u);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1}));
}

TEST(ChannelLogRecovery, ARecordWithTheWrongIdIsCorruption) {
  testing::InMemoryFileSystem fs;
  std::vector<LogRecord> records = Records(1, 5);
  records[3].id = 7;  // checksummed correctly, but not the id that follows 3
  WriteSegment(fs, 1, records);
  auto log = OpenLog(fs, Options());
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 3));
  ASSERT_TRUE(log->recovery().corruption.has_value());
  EXPECT_NE(log->recovery().corruption->find("record id 7 where id 4 was expected"),
            std::string::npos)
      << *log->recovery().corruption;
  EXPECT_NE(log->recovery().corruption->find(
                absl::StrCat("offset ", kSegmentHeaderBytes + 3 * kRecordBytes)),
            std::string::npos);
}

TEST(ChannelLogRecovery, ABadHeaderEmptiesTheSegmentAndEndsTheLogThere) {
  testing::InMemoryFileSystem fs;
  WriteSegment(fs, 1, Records(1, 10));
  WriteSegment(fs, 11, Records(11, 20));
  WriteSegment(fs, 21, Records(21, 22));
  fs.ContentsOf(SegmentPath(11))->data[3] = 'X';
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 10));
  EXPECT_EQ(log->next_id(), 11u);
  ASSERT_TRUE(log->recovery().corruption.has_value());
  EXPECT_NE(log->recovery().corruption->find("magic"), std::string::npos);
  EXPECT_EQ(fs.ContentsOf(SegmentPath(11))->data, SegmentHeader());
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11}));
}

// Segment 1 holds ids segment 6 starts at (nothing in ChannelLog writes that): the later
// segment wins, the overlap is cut and reported.
TEST(ChannelLogRecovery, RecordsAlsoInTheNextSegmentAreCut) {
  testing::InMemoryFileSystem fs;
  WriteSegment(fs, 1, Records(1, 8));
  WriteSegment(fs, 6, Records(6, 7));
  auto log = OpenLog(fs, Options());
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 7));
  ASSERT_TRUE(log->recovery().corruption.has_value());
  EXPECT_NE(log->recovery().corruption->find(
                absl::StrCat(SegmentPath(1), ": offset ", kSegmentHeaderBytes + 5 * kRecordBytes)),
            std::string::npos)
      << *log->recovery().corruption;
  EXPECT_EQ(log->recovery().truncated_bytes, 3 * kRecordBytes);
  EXPECT_EQ(fs.ContentsOf(SegmentPath(1))->data.size(), kSegmentHeaderBytes + 5 * kRecordBytes);
}

TEST(ChannelLogRecovery, WhatRecoveryKeptIsDurable) {
  testing::InMemoryFileSystem fs;
  {
    auto log = OpenLog(fs, Options());
    AppendThrough(*log, 9);  // never synced, but still in the "page cache" at restart
  }
  {
    auto log = OpenLog(fs, Options());
    EXPECT_EQ(log->synced_next_id(), 10u);
  }
  fs.SimulateCrash();
  EXPECT_EQ(IdsOf(ReadAll(*OpenLog(fs, Options()))), IdRange(1, 9));
}

TEST(ChannelLogRecovery, OpenFailsCleanlyWhenTheDiskFails) {
  testing::InMemoryFileSystem fs;
  {
    auto log = OpenLog(fs, Options());
    AppendThrough(*log, 3);
  }
  fs.FailWrites(absl::UnavailableError("EIO"));
  absl::StatusOr<std::unique_ptr<ChannelLog>> log =
      ChannelLog::Open(fs, Options(), test_support::kEpoch);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(log.status().message().find(SegmentPath(1)), absl::string_view::npos) << log.status();
  EXPECT_EQ(ChannelLog::Open(fs, ChannelLogOptions{}, test_support::kEpoch).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace liminal::storage
