// ChannelLog on the in-memory file system, in normal operation: append and read back, the
// sparse index, segment rolls, group-commit batches, retention, Rewind, append failures.
// Recovery after crashes and damage is in channel_log_recovery_test.cc.
#include "core/storage/channel_log.h"

#include "tests/unit/storage/channel_log_test_support.h"

namespace liminal::storage {
namespace {

using test_support::AppendThrough;
using test_support::CountingFileSystem;
using test_support::EncodedBytesOf;
using test_support::IdRange;
using test_support::IdsOf;
using test_support::kDirectory;
using test_support::kEpoch;
using test_support::MakeRecord;
using test_support::OpenLog;
using test_support::Options;
using test_support::ReadAll;
using test_support::SegmentFilesIn;
using test_support::SegmentPath;
using test_support::SyncBatchNow;

// With 40-byte envelopes a record takes 70 bytes: segments of this size hold exactly ten.
const uint64_t kTenRecordSegment = kSegmentHeaderBytes + 10 * EncodedBytesOf(40);

TEST(ChannelLog, AFreshDirectoryStartsAtIdOneWithOneSegment) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  EXPECT_EQ(log->next_id(), 1u);
  EXPECT_EQ(log->first_id(), 1u);
  EXPECT_EQ(log->synced_next_id(), 1u);
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->size_bytes(), kSegmentHeaderBytes);
  EXPECT_EQ(fs.ContentsOf(SegmentPath(1))->data, SegmentHeader());
  EXPECT_TRUE(ReadAll(*log).empty());
  EXPECT_EQ(log->recovery().records, 0u);
  EXPECT_FALSE(log->recovery().corruption.has_value());
}

TEST(ChannelLog, ReadsBackWhatWasAppended) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  ASSERT_TRUE(log->Append(MakeRecord(1, 10, "key-1")).ok());
  AppendThrough(*log, 20);
  EXPECT_EQ(log->next_id(), 21u);
  const std::vector<LogRecord> all = ReadAll(*log);
  ASSERT_EQ(all.size(), 20u);
  EXPECT_EQ(all[0], MakeRecord(1, 10, "key-1"));
  for (uint64_t id = 2; id <= 20; ++id) EXPECT_EQ(all[id - 1], MakeRecord(id));

  EXPECT_EQ(IdsOf(*log->Read(5, 3, SIZE_MAX)), IdRange(5, 7));
  EXPECT_EQ(IdsOf(*log->Read(0, 2, SIZE_MAX)), IdRange(1, 2));
  EXPECT_TRUE(log->Read(21, 10, SIZE_MAX)->empty());
  EXPECT_TRUE(log->Read(500, 10, SIZE_MAX)->empty());
  EXPECT_TRUE(log->Read(3, 0, SIZE_MAX)->empty());
  // max_bytes: at least one record, then whole records within the budget.
  EXPECT_EQ(IdsOf(*log->Read(4, 10, 1)), IdRange(4, 4));
  EXPECT_EQ(IdsOf(*log->Read(4, 10, 3 * EncodedBytesOf(40))), IdRange(4, 6));
  EXPECT_EQ(IdsOf(*log->Read(4, 10, 3 * EncodedBytesOf(40) - 1)), IdRange(4, 5));
}

TEST(ChannelLog, AppendRefusesAnIdOtherThanNextId) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  AppendThrough(*log, 3);
  for (uint64_t wrong : {3u, 5u, 0u}) {
    EXPECT_EQ(log->Append(MakeRecord(wrong)).code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(log->next_id(), 4u);
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 3));
}

TEST(ChannelLog, RollsToASegmentNamedByTheFirstRecordOnceFull) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  AppendThrough(*log, 10);
  EXPECT_EQ(log->segment_count(), 1u);  // full, but the roll waits for the next record
  AppendThrough(*log, 35);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11, 21, 31}));
  EXPECT_EQ(log->segment_count(), 4u);
  EXPECT_EQ(fs.ContentsOf(SegmentPath(11))->data.size(), kTenRecordSegment);
  EXPECT_EQ(log->size_bytes(), 4 * kSegmentHeaderBytes + 35 * EncodedBytesOf(40));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 35));
}

TEST(ChannelLog, ARecordLargerThanASegmentGetsASegmentOfItsOwn) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(100));
  AppendThrough(*log, 4, 5000);  // also far larger than a read chunk
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 4));
  EXPECT_EQ(IdsOf(*log->Read(2, 2, 1)), IdRange(2, 2));
  EXPECT_EQ((*log->Read(3, 1, 0))[0], MakeRecord(3, 5000));
}

TEST(ChannelLog, ASyncBatchAfterARollCoversThePreviousSegmentToo) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  AppendThrough(*log, 8);
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  AppendThrough(*log, 13);  // 9 and 10 unsynced in segment 1, 11..13 in segment 11
  ChannelLog::SyncBatch batch = log->PrepareSync();
  EXPECT_FALSE(batch.empty());
  EXPECT_EQ(batch.covers_up_to(), 13u);
  AppendThrough(*log, 14);  // after PrepareSync: not covered (though fsync may catch it)
  ASSERT_TRUE(batch.Run().ok());
  log->MarkSynced(batch);
  EXPECT_EQ(log->synced_next_id(), 14u);
  fs.SimulateCrash();
  auto reopened = OpenLog(fs, Options(kTenRecordSegment));
  EXPECT_GE(reopened->next_id(), 14u);
  EXPECT_EQ(IdsOf(*reopened->Read(1, 13, SIZE_MAX)), IdRange(1, 13));
}

TEST(ChannelLog, PrepareSyncIsEmptyWhenEverythingIsSynced) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  EXPECT_TRUE(log->PrepareSync().empty());
  AppendThrough(*log, 2);
  EXPECT_FALSE(log->PrepareSync().empty());
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  EXPECT_TRUE(log->PrepareSync().empty());
  EXPECT_EQ(log->synced_next_id(), 3u);
}

TEST(ChannelLog, SyncNowMakesEverythingDurable) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  AppendThrough(*log, 25);
  ASSERT_TRUE(log->SyncNow().ok());
  EXPECT_EQ(log->synced_next_id(), 26u);
  AppendThrough(*log, 27);  // never synced: lost in the crash
  fs.SimulateCrash();
  auto reopened = OpenLog(fs, Options(kTenRecordSegment));
  EXPECT_EQ(IdsOf(ReadAll(*reopened)), IdRange(1, 25));
  EXPECT_EQ(reopened->next_id(), 26u);
}

// The sparse index: Read from the middle reads about one index interval plus what it
// returns, not the segment (or the log) from its start.
TEST(ChannelLog, ReadSeeksThroughTheSparseIndex) {
  for (const uint64_t segment_bytes : {uint64_t{64} << 20, uint64_t{16} << 10}) {
    testing::InMemoryFileSystem memory;
    CountingFileSystem fs(memory);
    {
      auto log = OpenLog(fs, Options(segment_bytes));
      AppendThrough(*log, 3000, 100);
      ASSERT_TRUE(log->SyncNow().ok());
    }
    auto log = OpenLog(fs, Options(segment_bytes));  // the index rebuilt by recovery
    const uint64_t log_bytes = log->size_bytes();
    ASSERT_GT(log_bytes, 3000u * 100);
    for (uint64_t from : {1u, 2u, 1499u, 1500u, 2233u, 2999u, 3000u}) {
      fs.ResetCount();
      absl::StatusOr<std::vector<LogRecord>> records = log->Read(from, 1, 1);
      ASSERT_TRUE(records.ok()) << records.status();
      ASSERT_EQ(records->size(), 1u);
      EXPECT_EQ((*records)[0], MakeRecord(from, 100));
      // index_interval_bytes is 256: at most one interval and two records' worth of
      // chunk, far below a scan from a segment's start.
      EXPECT_LE(fs.bytes_read(), 1024u) << "from " << from << ", segment " << segment_bytes;
    }
    // Every starting point, across segment boundaries, returns the right records.
    for (uint64_t from = 1; from <= 3000; from += 7) {
      EXPECT_EQ(IdsOf(*log->Read(from, 5, SIZE_MAX)),
                IdRange(from, std::min<uint64_t>(from + 4, 3000)));
    }
  }
}

TEST(ChannelLog, ReadNeverReturnsRecordsPastNextId) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  AppendThrough(*log, 5);
  // Garbage after the last record (say a failed append the log could not cut) is not read.
  fs.ContentsOf(SegmentPath(1))->data += "garbage that is not a record";
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 5));
}

TEST(ChannelLog, ReadReportsARecordDamagedAfterRecovery) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  AppendThrough(*log, 5);
  const uint64_t third = kSegmentHeaderBytes + 2 * EncodedBytesOf(40);
  fs.ContentsOf(SegmentPath(1))->data[third + 30] ^= 0x01;
  absl::StatusOr<std::vector<LogRecord>> records = log->Read(1, 10, SIZE_MAX);
  EXPECT_EQ(records.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(records.status().message().find(SegmentPath(1)), absl::string_view::npos);
  EXPECT_NE(records.status().message().find(absl::StrCat("offset ", third)),
            absl::string_view::npos)
      << records.status();
}

// Retention by messages: segments of ten, at most 35 messages. Dropping happens while the
// log exceeds the limit, so it stays within one segment of it either way.
TEST(ChannelLog, RetentionByMessagesKeepsWithinOneSegmentOfTheLimit) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment, {.max_messages = 35}));
  for (uint64_t id = 1; id <= 100; ++id) {
    ASSERT_TRUE(log->Append(MakeRecord(id)).ok());
    ASSERT_TRUE(SyncBatchNow(*log).ok());
    const uint64_t messages = log->next_id() - log->first_id();
    EXPECT_LE(messages, 35u + 10u) << "after " << id;
    if (id > 35) {
      EXPECT_GT(messages, 35u - 10u) << "after " << id;
    }
  }
  // The roll at 91 dropped down to 61..90; 91..100 came after.
  EXPECT_EQ(log->first_id(), 61u);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{61, 71, 81, 91}));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(61, 100));
  // 40 messages: the oldest sealed segment can go now (down to 30).
  EXPECT_EQ(*log->ApplyRetention(kEpoch), 1u);
  EXPECT_EQ(*log->ApplyRetention(kEpoch), 0u);
  EXPECT_EQ(IdsOf(*log->Read(1, 3, SIZE_MAX)), IdRange(71, 73));  // older ids start at first
}

TEST(ChannelLog, RetentionByBytesKeepsWithinOneSegmentOfTheLimit) {
  testing::InMemoryFileSystem fs;
  const uint64_t max_bytes = 3 * kTenRecordSegment + kTenRecordSegment / 2;
  auto log = OpenLog(fs, Options(kTenRecordSegment, {.max_bytes = max_bytes}));
  for (uint64_t id = 1; id <= 200; ++id) {
    ASSERT_TRUE(log->Append(MakeRecord(id)).ok());
    ASSERT_TRUE(SyncBatchNow(*log).ok());
    EXPECT_LE(log->size_bytes(), max_bytes + kTenRecordSegment) << "after " << id;
    if (log->first_id() > 1) {
      EXPECT_GT(log->size_bytes(), max_bytes - kTenRecordSegment) << "after " << id;
    }
  }
  EXPECT_GT(log->first_id(), 100u);
  EXPECT_EQ(SegmentFilesIn(fs).size(), log->segment_count());
}

TEST(ChannelLog, RetentionByAgeDropsSealedSegmentsWhoseNewestRecordIsTooOld) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment, {.max_age = absl::Seconds(100)}));
  AppendThrough(*log, 45);  // record id at kEpoch + id seconds; segments 1, 11, 21, 31, 41
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  // At kEpoch + 120s the cut-off is kEpoch + 20s: segment 1's newest record (10s) is older,
  // segment 11's (20s) is not.
  EXPECT_EQ(*log->ApplyRetention(kEpoch + absl::Seconds(120)), 1u);
  EXPECT_EQ(log->first_id(), 11u);
  EXPECT_EQ(*log->ApplyRetention(kEpoch + absl::Seconds(121)), 1u);
  EXPECT_EQ(log->first_id(), 21u);
  // Far in the future every sealed segment is too old; the active one stays.
  EXPECT_EQ(*log->ApplyRetention(kEpoch + absl::Hours(1000)), 2u);
  EXPECT_EQ(log->first_id(), 41u);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{41}));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(41, 45));
}

TEST(ChannelLog, RetentionAtOpenUsesTheGivenClock) {
  testing::InMemoryFileSystem fs;
  {
    auto log = OpenLog(fs, Options(kTenRecordSegment));
    AppendThrough(*log, 25);
    ASSERT_TRUE(log->SyncNow().ok());
  }
  auto log = OpenLog(fs, Options(kTenRecordSegment, {.max_age = absl::Seconds(10)}),
                     kEpoch + absl::Seconds(25));
  // Cut-off 15s: segment 1's newest record (10s) is older, segment 11's (20s) is not.
  EXPECT_EQ(log->first_id(), 11u);
}

TEST(ChannelLog, RetentionNeverDropsUnsyncedRecords) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment, {.max_messages = 5}));
  AppendThrough(*log, 15);
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  AppendThrough(*log, 45);  // rolls at 21, 31, 41 cannot drop 11.. (unsynced)
  EXPECT_EQ(log->first_id(), 11u);
  EXPECT_EQ(*log->ApplyRetention(kEpoch), 0u);
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  EXPECT_EQ(*log->ApplyRetention(kEpoch), 3u);
  EXPECT_EQ(log->first_id(), 41u);
}

// Retention drops everything; a failed sync then rewinds the only records away: what is
// left is one empty segment, and its name alone carries next_id across restarts.
TEST(ChannelLog, NextIdSurvivesRetentionDroppingEverythingButAnEmptyActiveSegment) {
  testing::InMemoryFileSystem fs;
  const ChannelLogOptions options = Options(kTenRecordSegment, {.max_age = absl::Seconds(1)});
  {
    auto log = OpenLog(fs, options);
    AppendThrough(*log, 10);
    ASSERT_TRUE(SyncBatchNow(*log).ok());
    AppendThrough(*log, 11);  // rolls to segment 11
    fs.FailSyncs(absl::DataLossError("disk gone"));
    EXPECT_FALSE(SyncBatchNow(*log).ok());
    fs.FailSyncs(absl::OkStatus());
    ASSERT_TRUE(log->Rewind(11).ok());
    EXPECT_EQ(*log->ApplyRetention(kEpoch + absl::Hours(1)), 1u);
    EXPECT_EQ(log->next_id(), 11u);
    EXPECT_EQ(log->first_id(), 11u);
    EXPECT_EQ(log->segment_count(), 1u);
    EXPECT_TRUE(ReadAll(*log).empty());
  }
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{11}));
  {
    auto log = OpenLog(fs, options, kEpoch + absl::Hours(2));
    EXPECT_EQ(log->next_id(), 11u);
    EXPECT_EQ(log->first_id(), 11u);
  }
  // Also when the empty segment's header never reached the disk.
  fs.ContentsOf(SegmentPath(11))->data.resize(5);
  fs.SimulateCrash();
  auto log = OpenLog(fs, options, kEpoch + absl::Hours(2));
  EXPECT_EQ(log->next_id(), 11u);
  ASSERT_TRUE(log->Append(MakeRecord(11)).ok());
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(11, 11));
}

TEST(ChannelLog, RecordsWithKeysSinceReturnsKeyedRecordsNewerThanTheCutOff) {
  testing::InMemoryFileSystem memory;
  CountingFileSystem fs(memory);
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  for (uint64_t id = 1; id <= 45; ++id) {
    std::optional<std::string> key;
    if (id % 3 == 0) key = absl::StrCat("key-", id);
    ASSERT_TRUE(log->Append(MakeRecord(id, 40, key)).ok());
  }
  fs.ResetCount();
  absl::StatusOr<std::vector<LogRecord>> keyed =
      log->RecordsWithKeysSince(kEpoch + absl::Seconds(33));
  ASSERT_TRUE(keyed.ok()) << keyed.status();
  EXPECT_EQ(IdsOf(*keyed), (std::vector<uint64_t>{36, 39, 42, 45}));
  EXPECT_EQ((*keyed)[0], MakeRecord(36, 40, "key-36"));
  // Only segments 31 and 41 can hold such records.
  EXPECT_LE(fs.bytes_read(), 2 * kTenRecordSegment);
  EXPECT_EQ(log->RecordsWithKeysSince(kEpoch + absl::Seconds(45))->size(), 0u);
  EXPECT_EQ(log->RecordsWithKeysSince(absl::InfinitePast())->size(), 15u);
}

TEST(ChannelLog, RecordsWithKeysSinceFindsALateTimestampInAnOldSegment) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  AppendThrough(*log, 4);
  LogRecord late = MakeRecord(5, 40, "late");
  late.timestamp = kEpoch + absl::Hours(1);  // the wall clock jumped, then came back
  ASSERT_TRUE(log->Append(late).ok());
  AppendThrough(*log, 30);
  absl::StatusOr<std::vector<LogRecord>> keyed =
      log->RecordsWithKeysSince(kEpoch + absl::Minutes(30));
  ASSERT_TRUE(keyed.ok());
  EXPECT_EQ(*keyed, std::vector<LogRecord>{late});
}

TEST(ChannelLog, RewindAfterAFailedSyncForgetsTheUnsyncedRecords) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  AppendThrough(*log, 5);
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  AppendThrough(*log, 8);
  fs.FailSyncs(absl::UnavailableError("fsync: EIO"));
  ChannelLog::SyncBatch batch = log->PrepareSync();
  EXPECT_EQ(batch.Run().code(), absl::StatusCode::kUnavailable);
  fs.FailSyncs(absl::OkStatus());
  ASSERT_TRUE(log->Rewind(log->synced_next_id()).ok());
  EXPECT_EQ(log->next_id(), 6u);
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 5));
  EXPECT_EQ(fs.ContentsOf(SegmentPath(1))->data.size(),
            kSegmentHeaderBytes + 5 * EncodedBytesOf(40));
  // The ids are appended again, with other contents, and those are what survive.
  ASSERT_TRUE(log->Append(MakeRecord(6, 7)).ok());
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  fs.SimulateCrash();
  auto reopened = OpenLog(fs, Options(kTenRecordSegment));
  const std::vector<LogRecord> records = ReadAll(*reopened);
  ASSERT_EQ(IdsOf(records), IdRange(1, 6));
  EXPECT_EQ(records[5], MakeRecord(6, 7));
}

TEST(ChannelLog, RewindAcrossRollsRemovesTheLaterSegments) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  AppendThrough(*log, 14);
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  AppendThrough(*log, 37);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11, 21, 31}));
  ASSERT_TRUE(log->Rewind(21).ok());  // 21 starts a segment: it stays, empty
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11, 21}));
  EXPECT_EQ(fs.ContentsOf(SegmentPath(21))->data, SegmentHeader());
  EXPECT_EQ(log->next_id(), 21u);
  ASSERT_TRUE(log->Rewind(15).ok());  // inside segment 11
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11}));
  EXPECT_EQ(log->next_id(), 15u);
  EXPECT_EQ(log->segment_count(), 2u);
  AppendThrough(*log, 22);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11, 21}));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 22));
  // A restart without a crash sees the rewound log.
  log.reset();
  auto reopened = OpenLog(fs, Options(kTenRecordSegment));
  EXPECT_EQ(IdsOf(ReadAll(*reopened)), IdRange(1, 22));
  EXPECT_FALSE(reopened->recovery().corruption.has_value());
}

TEST(ChannelLog, RewindRefusesSyncedOrUnwrittenIds) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  AppendThrough(*log, 5);
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  AppendThrough(*log, 8);
  EXPECT_EQ(log->Rewind(5).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Rewind(10).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(log->Rewind(9).ok());  // a no-op
  EXPECT_EQ(log->next_id(), 9u);
}

TEST(ChannelLog, ABatchPreparedBeforeARewindDoesNotMarkAnythingSynced) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  AppendThrough(*log, 3);
  ChannelLog::SyncBatch stale = log->PrepareSync();
  ASSERT_TRUE(log->Rewind(2).ok());
  AppendThrough(*log, 4);  // 2..4 rewritten after the batch was prepared
  ASSERT_TRUE(stale.Run().ok());
  log->MarkSynced(stale);
  EXPECT_EQ(log->synced_next_id(), 1u);
  ASSERT_TRUE(SyncBatchNow(*log).ok());
  EXPECT_EQ(log->synced_next_id(), 5u);
}

TEST(ChannelLog, AFailedAppendLeavesNoPartialRecord) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options());
  AppendThrough(*log, 3);
  const size_t size_before = fs.ContentsOf(SegmentPath(1))->data.size();
  fs.FailAppends(absl::ResourceExhaustedError("disk full"), 17);
  const absl::Status failed = log->Append(MakeRecord(4));
  EXPECT_EQ(failed.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(failed.message().find(SegmentPath(1)), absl::string_view::npos) << failed;
  EXPECT_NE(failed.message().find(absl::StrCat("offset ", size_before)), absl::string_view::npos)
      << failed;
  EXPECT_EQ(fs.ContentsOf(SegmentPath(1))->data.size(), size_before);
  EXPECT_EQ(log->next_id(), 4u);
  fs.FailAppends(absl::OkStatus());
  AppendThrough(*log, 6);
  ASSERT_TRUE(log->SyncNow().ok());
  auto reopened = OpenLog(fs, Options());
  EXPECT_EQ(IdsOf(ReadAll(*reopened)), IdRange(1, 6));
  EXPECT_EQ(reopened->recovery().truncated_bytes, 0u);
}

TEST(ChannelLog, AFailedRollLeavesTheLogAsItWas) {
  testing::InMemoryFileSystem fs;
  auto log = OpenLog(fs, Options(kTenRecordSegment));
  AppendThrough(*log, 10);
  fs.FailWrites(absl::ResourceExhaustedError("disk full"));
  EXPECT_FALSE(log->Append(MakeRecord(11)).ok());
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->next_id(), 11u);
  // The half-created segment is gone: after a Rewind below 11 it would claim ids 11.. at
  // the next recovery (the property test found this).
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1}));
  fs.FailWrites(absl::OkStatus());
  AppendThrough(*log, 12);
  EXPECT_EQ(SegmentFilesIn(fs), (std::vector<uint64_t>{1, 11}));
  EXPECT_EQ(IdsOf(ReadAll(*log)), IdRange(1, 12));
}

TEST(ChannelLog, IgnoresOtherNamesInItsDirectory) {
  testing::InMemoryFileSystem fs;
  for (const char* other : {"consumers", "00000000000000000005.seg.tmp", "README",
                            "consumers/00000000000000000001.seg"}) {
    ASSERT_TRUE((*fs.OpenAppend(absl::StrCat(kDirectory, "/", other)))->Append("x").ok());
  }
  auto log = OpenLog(fs, Options());
  EXPECT_EQ(log->next_id(), 1u);
  AppendThrough(*log, 2);
  EXPECT_EQ(fs.ContentsOf(absl::StrCat(kDirectory, "/consumers"))->data, "x");
  EXPECT_EQ(fs.ContentsOf(absl::StrCat(kDirectory, "/00000000000000000005.seg.tmp"))->data, "x");
  EXPECT_FALSE(log->recovery().corruption.has_value());
}

}  // namespace
}  // namespace liminal::storage
