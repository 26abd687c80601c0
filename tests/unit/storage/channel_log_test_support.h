// Helpers for the ChannelLog unit tests: deterministic records, opening and syncing a log on
// an InMemoryFileSystem, and a FileSystem wrapper that counts the bytes read through it.
#ifndef LIMINAL_TESTS_UNIT_STORAGE_CHANNEL_LOG_TEST_SUPPORT_H_
#define LIMINAL_TESTS_UNIT_STORAGE_CHANNEL_LOG_TEST_SUPPORT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/storage/channel_log.h"
#include "core/storage/log_record.h"
#include "core/storage/segment.h"
#include "core/testing/in_memory_file_system.h"
#include "gtest/gtest.h"

namespace liminal::storage::test_support {

inline const absl::Time kEpoch = absl::FromUnixSeconds(1'800'000'000);
inline const std::string kDirectory = "/data/channels/orders";

// Record `id`: timestamp kEpoch + id seconds, an envelope of `envelope_bytes` derived from
// the id (so a mixed-up record shows), and `key` if given.
inline LogRecord MakeRecord(uint64_t id, size_t envelope_bytes = 40,
                            std::optional<std::string> key = std::nullopt) {
  std::string envelope = absl::StrCat("envelope-", id, "-");
  envelope.resize(envelope_bytes, static_cast<char>('a' + id % 26));
  return LogRecord{.id = id,
                   .timestamp = kEpoch + absl::Seconds(static_cast<int64_t>(id)),
                   .idempotency_key = std::move(key),
                   .envelope = std::move(envelope)};
}

inline size_t EncodedBytesOf(size_t envelope_bytes) {
  return EncodedRecordBytes(MakeRecord(1, envelope_bytes));
}

inline std::string SegmentPath(uint64_t base_id, const std::string& directory = kDirectory) {
  return absl::StrCat(directory, "/", SegmentFileName(base_id));
}

inline ChannelLogOptions Options(uint64_t segment_bytes = 64 << 20,
                                 RetentionLimits retention = {}) {
  return ChannelLogOptions{.directory = kDirectory,
                           .segment_bytes = segment_bytes,
                           .index_interval_bytes = 256,
                           .retention = retention};
}

inline std::unique_ptr<ChannelLog> OpenLog(runtime::FileSystem& fs, ChannelLogOptions options,
                                           absl::Time now = kEpoch) {
  absl::StatusOr<std::unique_ptr<ChannelLog>> log = ChannelLog::Open(fs, std::move(options), now);
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? std::move(*log) : nullptr;
}

// Appends records next_id() .. last, `envelope_bytes` each.
inline void AppendThrough(ChannelLog& log, uint64_t last, size_t envelope_bytes = 40) {
  while (log.next_id() <= last) {
    const absl::Status appended = log.Append(MakeRecord(log.next_id(), envelope_bytes));
    ASSERT_TRUE(appended.ok()) << appended;
  }
}

// PrepareSync + Run + MarkSynced; the Run status.
inline absl::Status SyncBatchNow(ChannelLog& log) {
  ChannelLog::SyncBatch batch = log.PrepareSync();
  absl::Status status = batch.Run();
  if (status.ok()) log.MarkSynced(batch);
  return status;
}

inline std::vector<LogRecord> ReadAll(const ChannelLog& log) {
  absl::StatusOr<std::vector<LogRecord>> records = log.Read(0, SIZE_MAX, SIZE_MAX);
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *records : std::vector<LogRecord>();
}

inline std::vector<uint64_t> IdsOf(const std::vector<LogRecord>& records) {
  std::vector<uint64_t> ids;
  for (const LogRecord& record : records) ids.push_back(record.id);
  return ids;
}

inline std::vector<uint64_t> IdRange(uint64_t first, uint64_t last) {
  std::vector<uint64_t> ids;
  for (uint64_t id = first; id <= last; ++id) ids.push_back(id);
  return ids;
}

// Segment base ids present in the directory.
inline std::vector<uint64_t> SegmentFilesIn(const runtime::FileSystem& fs,
                                            const std::string& directory = kDirectory) {
  std::vector<uint64_t> bases;
  absl::StatusOr<std::vector<std::string>> names = fs.List(directory);
  EXPECT_TRUE(names.ok());
  for (const std::string& name : names.ok() ? *names : std::vector<std::string>()) {
    if (std::optional<uint64_t> base = ParseSegmentFileName(name)) bases.push_back(*base);
  }
  return bases;
}

// Forwards to an InMemoryFileSystem and counts the bytes ReadAt returns.
class CountingFileSystem final : public runtime::FileSystem {
 public:
  explicit CountingFileSystem(testing::InMemoryFileSystem& inner) : inner_(inner) {}

  uint64_t bytes_read() const { return *bytes_read_; }
  void ResetCount() { *bytes_read_ = 0; }

  absl::StatusOr<std::unique_ptr<runtime::File>> OpenAppend(const std::string& path) override {
    absl::StatusOr<std::unique_ptr<runtime::File>> file = inner_.OpenAppend(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<runtime::File>(new CountingFile(std::move(*file), bytes_read_));
  }
  absl::Status Rename(const std::string& from, const std::string& to) override {
    return inner_.Rename(from, to);
  }
  absl::Status Remove(const std::string& path) override { return inner_.Remove(path); }
  absl::Status CreateDirectories(const std::string& path) override {
    return inner_.CreateDirectories(path);
  }
  absl::StatusOr<std::vector<std::string>> List(const std::string& dir) const override {
    return inner_.List(dir);
  }
  void RunBlocking(absl::AnyInvocable<void() &&> work) override {
    inner_.RunBlocking(std::move(work));
  }

 private:
  class CountingFile final : public runtime::File {
   public:
    CountingFile(std::unique_ptr<runtime::File> inner, std::shared_ptr<uint64_t> bytes_read)
        : inner_(std::move(inner)), bytes_read_(std::move(bytes_read)) {}
    absl::Status Append(std::string_view data) override { return inner_->Append(data); }
    absl::Status Sync() override { return inner_->Sync(); }
    absl::StatusOr<std::string> ReadAt(uint64_t offset, size_t length) const override {
      absl::StatusOr<std::string> bytes = inner_->ReadAt(offset, length);
      if (bytes.ok()) *bytes_read_ += bytes->size();
      return bytes;
    }
    absl::StatusOr<uint64_t> Size() const override { return inner_->Size(); }
    absl::Status Truncate(uint64_t size) override { return inner_->Truncate(size); }

   private:
    std::unique_ptr<runtime::File> inner_;
    std::shared_ptr<uint64_t> bytes_read_;
  };

  testing::InMemoryFileSystem& inner_;
  std::shared_ptr<uint64_t> bytes_read_ = std::make_shared<uint64_t>(0);
};

}  // namespace liminal::storage::test_support

#endif  // LIMINAL_TESTS_UNIT_STORAGE_CHANNEL_LOG_TEST_SUPPORT_H_
