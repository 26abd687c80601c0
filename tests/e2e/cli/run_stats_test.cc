// RunStats (counts and exact nearest-rank percentiles), its text and JSON summaries, and
// the ProgressLine throttling.
#include "tools/run_stats.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/progress_line.h"

namespace liminal::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kStart = absl::FromUnixSeconds(1000);

TEST(RunStatsTest, NearestRankPercentiles) {
  std::vector<absl::Duration> sorted;
  for (int i = 1; i <= 100; ++i) sorted.push_back(absl::Milliseconds(i));
  EXPECT_EQ(NearestRankPercentile(sorted, 50), absl::Milliseconds(50));
  EXPECT_EQ(NearestRankPercentile(sorted, 90), absl::Milliseconds(90));
  EXPECT_EQ(NearestRankPercentile(sorted, 99), absl::Milliseconds(99));
  EXPECT_EQ(NearestRankPercentile(sorted, 100), absl::Milliseconds(100));
  EXPECT_EQ(NearestRankPercentile({absl::Milliseconds(7)}, 50), absl::Milliseconds(7));
  // 3 samples: p50 is the 2nd (ceil(1.5)), p90 and p99 the 3rd.
  const std::vector<absl::Duration> three = {absl::Milliseconds(1), absl::Milliseconds(2),
                                             absl::Milliseconds(3)};
  EXPECT_EQ(NearestRankPercentile(three, 50), absl::Milliseconds(2));
  EXPECT_EQ(NearestRankPercentile(three, 90), absl::Milliseconds(3));
}

TEST(RunStatsTest, SummarizesUnsortedLatencies) {
  RunStats stats(kStart);
  for (int i = 100; i >= 1; --i) stats.RecordSuccess(absl::Milliseconds(i));
  stats.RecordFailure();
  const RunSummary summary = stats.Summarize(kStart + absl::Seconds(4));
  EXPECT_EQ(summary.messages, 100u);
  EXPECT_EQ(summary.errors, 1u);
  EXPECT_EQ(summary.elapsed, absl::Seconds(4));
  EXPECT_DOUBLE_EQ(summary.rate, 25.0);
  ASSERT_TRUE(summary.latency.has_value());
  EXPECT_EQ(summary.latency->p50, absl::Milliseconds(50));
  EXPECT_EQ(summary.latency->p90, absl::Milliseconds(90));
  EXPECT_EQ(summary.latency->p99, absl::Milliseconds(99));
  EXPECT_EQ(summary.latency->max, absl::Milliseconds(100));
}

TEST(RunStatsTest, NoLatencyWithoutSamplesAndNoRateWithoutTime) {
  RunStats stats(kStart);
  stats.RecordSuccess();
  const RunSummary summary = stats.Summarize(kStart);
  EXPECT_EQ(summary.messages, 1u);
  EXPECT_FALSE(summary.latency.has_value());
  EXPECT_EQ(summary.rate, 0);
}

TEST(RunStatsTest, TextSummary) {
  RunStats stats(kStart);
  stats.RecordSuccess(absl::Microseconds(200));
  stats.RecordSuccess(absl::Microseconds(400));
  const std::string text = FormatSummary("pub", "published", "message",
                                         stats.Summarize(kStart + absl::Milliseconds(500)));
  EXPECT_EQ(text,
            "pub: published 2 messages in 0.500 s (4.0/s), 0 errors; latency ms p50 0.200 "
            "p90 0.400 p99 0.400 max 0.400");
  RunStats one(kStart);
  one.RecordSuccess();
  one.RecordFailure();
  EXPECT_EQ(FormatSummary("sub", "received", "message", one.Summarize(kStart + absl::Seconds(1))),
            "sub: received 1 message in 1.000 s (1.0/s), 1 error");
  EXPECT_EQ(FormatSummary("worker", "answered", "push", one.Summarize(kStart + absl::Seconds(1))),
            "worker: answered 1 push in 1.000 s (1.0/s), 1 error");
}

TEST(RunStatsTest, RateHeldWithinTheSlackAndSaidWhenNot) {
  RunStats stats(kStart);
  for (int i = 0; i < 980; ++i) stats.RecordSuccess();
  RunSummary summary = stats.Summarize(kStart + absl::Seconds(1));  // 980/s
  EXPECT_TRUE(RateHeld(summary)) << "not paced";
  summary.requested_rate = 1000;
  EXPECT_TRUE(RateHeld(summary)) << "98% of the requested rate is held";
  EXPECT_THAT(FormatSummary("pub", "published", "message", summary), Not(HasSubstr("not held")));
  EXPECT_EQ(SummaryToJson("pub", summary)["summary"]["rate_held"], true);

  summary.requested_rate = 50000;
  EXPECT_FALSE(RateHeld(summary));
  EXPECT_THAT(FormatSummary("pub", "published", "message", summary),
              HasSubstr("\npub: requested 50000 msg/s, achieved 980 msg/s: the rate was not held"));
  EXPECT_THAT(FormatSummary("req", "answered", "request", summary),
              HasSubstr("\nreq: requested 50000 request/s, achieved 980 request/s"));
  const Json json = SummaryToJson("pub", summary);
  EXPECT_EQ(json["summary"]["requested_rate_per_s"], 50000.0);
  EXPECT_EQ(json["summary"]["rate_held"], false);
}

TEST(RunStatsTest, CountOfPluralises) {
  EXPECT_EQ(CountOf(0, "message"), "0 messages");
  EXPECT_EQ(CountOf(1, "message"), "1 message");
  EXPECT_EQ(CountOf(2, "push"), "2 pushes");
  EXPECT_EQ(CountOf(3, "ping"), "3 pings");
}

TEST(RunStatsTest, JsonSummary) {
  RunStats stats(kStart);
  stats.RecordSuccess(absl::Milliseconds(2));
  const Json json = SummaryToJson("ping", stats.Summarize(kStart + absl::Seconds(2)));
  ASSERT_TRUE(json.contains("summary"));
  const Json& summary = json["summary"];
  EXPECT_EQ(summary["command"], "ping");
  EXPECT_EQ(summary["messages"], 1);
  EXPECT_EQ(summary["errors"], 0);
  EXPECT_DOUBLE_EQ(summary["elapsed_s"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(summary["rate_per_s"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(summary["latency_ms"]["p50"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(summary["latency_ms"]["max"].get<double>(), 2.0);

  RunStats no_latency(kStart);
  no_latency.RecordSuccess();
  EXPECT_FALSE(
      SummaryToJson("sub", no_latency.Summarize(kStart))["summary"].contains("latency_ms"));
}

TEST(ProgressLineTest, DisabledDrawsNothing) {
  std::ostringstream out;
  {
    ProgressLine progress(out, /*enabled=*/false);
    bool called = false;
    EXPECT_FALSE(progress.Update(kStart, [&] {
      called = true;
      return std::string("x");
    }));
    EXPECT_FALSE(called);
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressLineTest, RedrawsAtMostOncePerInterval) {
  std::ostringstream out;
  ProgressLine progress(out, /*enabled=*/true, absl::Milliseconds(250));
  int calls = 0;
  auto text = [&] { return "n=" + std::to_string(++calls); };
  EXPECT_TRUE(progress.Update(kStart, text));
  EXPECT_FALSE(progress.Update(kStart + absl::Milliseconds(100), text));
  EXPECT_FALSE(progress.Update(kStart + absl::Milliseconds(249), text));
  EXPECT_TRUE(progress.Update(kStart + absl::Milliseconds(250), text));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(out.str(), "\rn=1\x1b[K\rn=2\x1b[K");
  progress.Clear();
  EXPECT_EQ(out.str(), "\rn=1\x1b[K\rn=2\x1b[K\r\x1b[K");
  progress.Clear();  // nothing drawn since
  EXPECT_THAT(out.str(), Not(HasSubstr("\x1b[K\r\x1b[K\r")));
}

TEST(ProgressLineTest, DestructorErasesTheLine) {
  std::ostringstream out;
  {
    ProgressLine progress(out, /*enabled=*/true);
    progress.Update(kStart, [] { return std::string("busy"); });
  }
  EXPECT_EQ(out.str(), "\rbusy\x1b[K\r\x1b[K");
}

}  // namespace
}  // namespace liminal::tools
