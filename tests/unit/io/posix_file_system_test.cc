// PosixFileSystem against a real temporary directory, plus ErrnoStatus messages. A real
// ENOSPC comes from /dev/full.
#include "io/runtime/posix_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "io/runtime/errno_status.h"

namespace liminal::io {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class PosixFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/liminal-fs-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  PosixFileSystem fs_;
  std::string dir_;
};

TEST_F(PosixFileSystemTest, AppendSyncReadAndSize) {
  auto file = fs_.OpenAppend(Path("log"));
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_TRUE((*file)->Append("hello ").ok());
  ASSERT_TRUE((*file)->Append("world").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  EXPECT_EQ(*(*file)->Size(), 11u);
  EXPECT_EQ(*(*file)->ReadAt(0, 5), "hello");
  EXPECT_EQ(*(*file)->ReadAt(6, 100), "world");  // shorter at the end
  EXPECT_EQ(*(*file)->ReadAt(11, 10), "");
  EXPECT_EQ(*(*file)->ReadAt(500, 10), "");
  EXPECT_EQ(*(*file)->ReadAt(0, SIZE_MAX), "hello world");  // never allocates SIZE_MAX
}

TEST_F(PosixFileSystemTest, ReopeningAppendsAtTheEnd) {
  {
    auto file = fs_.OpenAppend(Path("log"));
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append("one,").ok());
  }
  auto file = fs_.OpenAppend(Path("log"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("two").ok());
  EXPECT_EQ(*(*file)->ReadAt(0, 100), "one,two");
}

TEST_F(PosixFileSystemTest, LargeAppendIsWrittenCompletely) {
  const std::string big(8 << 20, 'x');
  auto file = fs_.OpenAppend(Path("big"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append(big).ok());
  EXPECT_EQ(*(*file)->Size(), big.size());
  EXPECT_EQ(*(*file)->ReadAt(0, big.size()), big);
}

TEST_F(PosixFileSystemTest, TruncateShrinksAndAppendContinuesAtTheNewEnd) {
  auto file = fs_.OpenAppend(Path("log"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("record-1|torn-rec").ok());
  ASSERT_TRUE((*file)->Truncate(9).ok());
  EXPECT_EQ(*(*file)->Size(), 9u);
  ASSERT_TRUE((*file)->Append("record-2|").ok());
  EXPECT_EQ(*(*file)->ReadAt(0, 100), "record-1|record-2|");
}

TEST_F(PosixFileSystemTest, RenameReplacesAndRemoveDeletes) {
  for (const char* name : {"a.tmp", "a"}) {
    auto file = fs_.OpenAppend(Path(name));
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append(name).ok());
  }
  ASSERT_TRUE(fs_.Rename(Path("a.tmp"), Path("a")).ok());
  EXPECT_THAT(*fs_.List(dir_), ElementsAre("a"));
  auto file = fs_.OpenAppend(Path("a"));
  EXPECT_EQ(*(*file)->ReadAt(0, 100), "a.tmp");
  ASSERT_TRUE(fs_.Remove(Path("a")).ok());
  EXPECT_THAT(*fs_.List(dir_), IsEmpty());
}

TEST_F(PosixFileSystemTest, CreateDirectoriesIsMkdirMinusPAndListIsSorted) {
  ASSERT_TRUE(fs_.CreateDirectories(Path("x/y/z")).ok());
  ASSERT_TRUE(fs_.CreateDirectories(Path("x/y/z")).ok());  // already there: fine
  ASSERT_TRUE(fs_.CreateDirectories(Path("x//w/")).ok());  // doubled and trailing slashes
  for (const char* name : {"b", "a", "c"}) ASSERT_TRUE(fs_.OpenAppend(Path("x/y/") + name).ok());
  EXPECT_THAT(*fs_.List(Path("x/y")), ElementsAre("a", "b", "c", "z"));
  EXPECT_THAT(*fs_.List(Path("x")), ElementsAre("w", "y"));
  ASSERT_TRUE(fs_.Remove(Path("x/w")).ok());  // an empty directory
  EXPECT_THAT(*fs_.List(Path("x")), ElementsAre("y"));
}

TEST_F(PosixFileSystemTest, ErrorsNameTheOperationThePathAndTheCause) {
  auto missing = fs_.OpenAppend(Path("no/such/dir/log"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr(Path("no/such/dir/log")));
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("No such file or directory"));

  auto listing = fs_.List(Path("nothing"));
  ASSERT_FALSE(listing.ok());
  EXPECT_EQ(listing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(listing.status().message()),
              StartsWith("list directory " + Path("nothing")));

  absl::Status rename = fs_.Rename(Path("ghost"), Path("other"));
  EXPECT_EQ(rename.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(rename.message()), HasSubstr(Path("ghost")));

  EXPECT_EQ(fs_.Remove(Path("ghost")).code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(fs_.OpenAppend(Path("plain")).ok());
  absl::Status blocked = fs_.CreateDirectories(Path("plain/sub"));
  EXPECT_FALSE(blocked.ok());
  EXPECT_THAT(std::string(blocked.message()), HasSubstr("is not a directory"));
}

// /dev/full accepts open(2) and fails every write with ENOSPC.
TEST_F(PosixFileSystemTest, FullDiskSaysDiskFull) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "/dev/full is not available";
  auto full = fs_.OpenAppend("/dev/full");
  ASSERT_TRUE(full.ok()) << full.status();
  absl::Status status = (*full)->Append("record");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(status.message()), StartsWith("disk full: append 6 bytes to /dev/full"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("No space left on device"));
}

TEST(ErrnoStatusTest, FormatsMessagesForTheOperator) {
  absl::Status status = ErrnoStatus(EIO, "sync", "/data/log");
  EXPECT_EQ(std::string(status.message()), "sync /data/log: Input/output error");
  absl::Status quota = ErrnoStatus(EDQUOT, "append 3 bytes to", "/data/log", "1 byte written");
  EXPECT_EQ(quota.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(quota.message()), StartsWith("disk full: append 3 bytes to /data/log: "));
  EXPECT_THAT(std::string(quota.message()), HasSubstr("(1 byte written)"));
  EXPECT_EQ(ErrnoStatus(EACCES, "open", "/x").code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace liminal::io
