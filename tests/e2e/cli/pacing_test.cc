// The pieces that pace and stop a run: TokenBucket (--rate), InterruptWatcher (Ctrl-C),
// LineReader and PayloadSource (stdin input that Ctrl-C can cut short).
#include <fcntl.h>
#include <unistd.h>

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/interrupt_watcher.h"
#include "tools/line_reader.h"
#include "tools/payload_source.h"
#include "tools/token_bucket.h"

namespace liminal::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1000);

TEST(TokenBucketTest, SpacesSendsByTheRateWhenTheCallerKeepsUp) {
  TokenBucket bucket(/*rate=*/10, /*burst=*/1, kStart);
  EXPECT_EQ(bucket.Take(kStart), kStart);
  EXPECT_EQ(bucket.Take(kStart), kStart + absl::Milliseconds(100));
  EXPECT_EQ(bucket.Take(kStart + absl::Milliseconds(100)), kStart + absl::Milliseconds(200));
  // A caller that asks early still waits for its slot.
  EXPECT_EQ(bucket.Take(kStart + absl::Milliseconds(210)), kStart + absl::Milliseconds(300));
}

TEST(TokenBucketTest, ALateCallerDoesNotCatchUpBeyondTheBurst) {
  TokenBucket bucket(/*rate=*/10, /*burst=*/1, kStart);
  EXPECT_EQ(bucket.Take(kStart), kStart);
  const absl::Time late = kStart + absl::Seconds(5);
  EXPECT_EQ(bucket.Take(late), late);
  EXPECT_EQ(bucket.Take(late), late + absl::Milliseconds(100));
}

TEST(TokenBucketTest, BurstAllowsThatManyAtOnce) {
  TokenBucket bucket(/*rate=*/4, /*burst=*/3, kStart);
  EXPECT_EQ(bucket.Take(kStart), kStart);
  EXPECT_EQ(bucket.Take(kStart), kStart);
  EXPECT_EQ(bucket.Take(kStart), kStart);
  EXPECT_EQ(bucket.Take(kStart), kStart + absl::Milliseconds(250));
}

TEST(TokenBucketTest, StartingEmptySpacesTheFirstSendsAndLetsALateCallerCatchUp) {
  TokenBucket bucket(/*rate=*/4, /*burst=*/3, kStart, TokenBucket::Start::kEmpty);
  EXPECT_EQ(bucket.Take(kStart), kStart);
  EXPECT_EQ(bucket.Take(kStart), kStart + absl::Milliseconds(250));
  EXPECT_EQ(bucket.Take(kStart + absl::Milliseconds(250)), kStart + absl::Milliseconds(500));
  // Woken 600 ms late: the two missed sends go at once, then the spacing resumes.
  const absl::Time late = kStart + absl::Milliseconds(1100);
  EXPECT_EQ(bucket.Take(late), late);
  EXPECT_EQ(bucket.Take(late), late);
  EXPECT_EQ(bucket.Take(late), late + absl::Milliseconds(150));
}

TEST(InterruptWatcherTest, SleepUntilAPassedDeadlineReturnsAtOnce) {
  InterruptWatcher watcher;
  const absl::Time start = absl::Now();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(watcher.SleepUntil(start));
  // A timed wait per call would cost the timer slack (~50 us) each: 50 ms in all.
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(40));
}

TEST(InterruptWatcherTest, RunsRegisteredCallbacksOnce) {
  InterruptWatcher watcher;
  int runs = 0;
  InterruptWatcher::Registration registration = watcher.OnInterrupt([&] { ++runs; });
  EXPECT_FALSE(watcher.interrupted());
  watcher.Interrupt();
  watcher.Interrupt();
  EXPECT_TRUE(watcher.interrupted());
  EXPECT_EQ(runs, 1);
}

TEST(InterruptWatcherTest, ADestroyedRegistrationDoesNotRun) {
  InterruptWatcher watcher;
  int runs = 0;
  {
    InterruptWatcher::Registration registration = watcher.OnInterrupt([&] { ++runs; });
    InterruptWatcher::Registration moved = std::move(registration);
  }
  watcher.Interrupt();
  EXPECT_EQ(runs, 0);
}

TEST(InterruptWatcherTest, RegisteringAfterTheInterruptRunsAtOnce) {
  InterruptWatcher watcher;
  watcher.Interrupt();
  int runs = 0;
  InterruptWatcher::Registration registration = watcher.OnInterrupt([&] { ++runs; });
  EXPECT_EQ(runs, 1);
}

TEST(InterruptWatcherTest, SleepUntilPastDeadlineReturnsTrue) {
  InterruptWatcher watcher;
  EXPECT_TRUE(watcher.SleepUntil(absl::InfinitePast()));
}

TEST(InterruptWatcherTest, InterruptWakesAnEndlessSleep) {
  InterruptWatcher watcher;
  std::thread interrupter([&] { watcher.Interrupt(); });
  EXPECT_FALSE(watcher.SleepUntil(absl::InfiniteFuture()));
  interrupter.join();
}

// A pipe whose write end the test fills.
struct Pipe {
  Pipe() { EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0); }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  void Write(std::string_view text) {
    EXPECT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  void CloseWriter() {
    ::close(fds[1]);
    fds[1] = -1;
  }
  int fds[2] = {-1, -1};
};

std::vector<std::string> ReadAll(LineReader& reader) {
  std::vector<std::string> lines;
  while (std::optional<std::string> line = reader.Next()) lines.push_back(*line);
  return lines;
}

TEST(LineReaderTest, SplitsLinesDropsCarriageReturnsKeepsTheLastPartialLine) {
  Pipe pipe;
  pipe.Write("a\nbb\r\n\nlast");
  pipe.CloseWriter();
  LineReader reader(pipe.fds[0]);
  EXPECT_THAT(ReadAll(reader), ElementsAre("a", "bb", "", "last"));
  EXPECT_EQ(reader.Next(), std::nullopt);
}

TEST(LineReaderTest, WakeEndsABlockedRead) {
  Pipe pipe;  // the writer stays open: Next() would block forever
  LineReader reader(pipe.fds[0]);
  std::thread waker([&] { reader.Wake(); });
  EXPECT_EQ(reader.Next(), std::nullopt);
  waker.join();
  pipe.Write("late\n");
  EXPECT_EQ(reader.Next(), std::nullopt);  // stays woken
}

TEST(PayloadSourceTest, RepeatsData) {
  absl::StatusOr<std::unique_ptr<PayloadSource>> source =
      PayloadSource::FromArguments(std::string("x"), 3, -1);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->total(), 3u);
  EXPECT_FALSE((*source)->reads_lines());
  std::vector<uint64_t> indexes;
  while (std::optional<std::string> payload = (*source)->Next()) {
    EXPECT_EQ(*payload, "x");
    indexes.push_back((*source)->index());
  }
  EXPECT_THAT(indexes, ElementsAre(1, 2, 3));
}

TEST(PayloadSourceTest, DataWithoutCountIsSentOnce) {
  absl::StatusOr<std::unique_ptr<PayloadSource>> source =
      PayloadSource::FromArguments(std::string("x"), std::nullopt, -1);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ((*source)->Next(), "x");
  EXPECT_EQ((*source)->Next(), std::nullopt);
}

TEST(PayloadSourceTest, DashOrNoDataReadsNonEmptyLines) {
  for (std::optional<std::string> data :
       {std::optional<std::string>("-"), std::optional<std::string>()}) {
    Pipe pipe;
    pipe.Write("one\n\ntwo\n");
    pipe.CloseWriter();
    absl::StatusOr<std::unique_ptr<PayloadSource>> source =
        PayloadSource::FromArguments(data, std::nullopt, pipe.fds[0]);
    ASSERT_TRUE(source.ok());
    EXPECT_TRUE((*source)->reads_lines());
    EXPECT_EQ((*source)->total(), std::nullopt);
    EXPECT_EQ((*source)->Next(), "one");
    EXPECT_EQ((*source)->index(), 1u);
    EXPECT_EQ((*source)->Next(), "two");
    EXPECT_EQ((*source)->index(), 2u);
    EXPECT_EQ((*source)->Next(), std::nullopt);
  }
}

TEST(PayloadSourceTest, CountWithStdinOrZeroCountIsAUsageError) {
  absl::StatusOr<std::unique_ptr<PayloadSource>> stdin_count =
      PayloadSource::FromArguments(std::string("-"), 2, 0);
  ASSERT_FALSE(stdin_count.ok());
  EXPECT_THAT(stdin_count.status().message(), HasSubstr("--count"));
  EXPECT_FALSE(PayloadSource::FromArguments(std::string("x"), 0, 0).ok());
}

}  // namespace
}  // namespace liminal::tools
