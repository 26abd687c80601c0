#include "core/metrics/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace liminal::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RegistryTest, RendersPrometheusTextSortedByNameAndLabels) {
  Registry registry;
  // Registered out of order on purpose.
  registry.AddGauge("zeta_current", "Last family.").Set(-3);
  registry.AddCounter("alpha_total", "Things, by kind.", {{"kind", "b"}}).Increment(2);
  registry.AddCounter("alpha_total", "Things, by kind.", {{"kind", "a"}}).Increment();
  registry.AddCounter("mid_total", "Two labels.", {{"z", "1"}, {"a", "2"}}).Increment(5);
  Histogram& latency = registry.AddHistogram("latency_seconds", "Latency.", {0.5, 1});
  latency.Observe(0.25);
  latency.Observe(0.75);
  latency.Observe(3);

  EXPECT_EQ(registry.RenderPrometheusText(),
            "# HELP alpha_total Things, by kind.\n"
            "# TYPE alpha_total counter\n"
            "alpha_total{kind=\"a\"} 1\n"
            "alpha_total{kind=\"b\"} 2\n"
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.5\"} 1\n"
            "latency_seconds_bucket{le=\"1\"} 2\n"
            "latency_seconds_bucket{le=\"+Inf\"} 3\n"
            "latency_seconds_sum 4\n"
            "latency_seconds_count 3\n"
            "# HELP mid_total Two labels.\n"
            "# TYPE mid_total counter\n"
            "mid_total{a=\"2\",z=\"1\"} 5\n"
            "# HELP zeta_current Last family.\n"
            "# TYPE zeta_current gauge\n"
            "zeta_current -3\n");
  EXPECT_TRUE(registry.registration_status().ok());
}

TEST(RegistryTest, HistogramLabelsComeBeforeLe) {
  Registry registry;
  registry.AddHistogram("h", "H.", {1}, {{"op", "fsync"}}).Observe(0.1);
  const std::string text = registry.RenderPrometheusText();
  EXPECT_THAT(text, HasSubstr("h_bucket{op=\"fsync\",le=\"1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("h_sum{op=\"fsync\"} 0.1\n"));
  EXPECT_THAT(text, HasSubstr("h_count{op=\"fsync\"} 1\n"));
}

TEST(RegistryTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.AddCounter("c_total", "Help with \\ and\nnewline \"quoted\".", {{"path", "a\\b\"c\nd"}});
  const std::string text = registry.RenderPrometheusText();
  EXPECT_THAT(text, HasSubstr("# HELP c_total Help with \\\\ and\\nnewline \"quoted\".\n"));
  EXPECT_THAT(text, HasSubstr("c_total{path=\"a\\\\b\\\"c\\nd\"} 0\n"));
}

TEST(RegistryTest, SameNameAndLabelsReturnTheSameMetric) {
  Registry registry;
  Counter& first = registry.AddCounter("x_total", "X.", {{"a", "1"}, {"b", "2"}});
  Counter& again = registry.AddCounter("x_total", "X.", {{"b", "2"}, {"a", "1"}});
  Counter& other = registry.AddCounter("x_total", "X.", {{"a", "1"}, {"b", "3"}});
  EXPECT_EQ(&first, &again);
  EXPECT_NE(&first, &other);
  EXPECT_TRUE(registry.registration_status().ok());
}

TEST(RegistryTest, InvalidRegistrationsAreDetachedAndReported) {
  struct Case {
    const char* what;
    void (*add)(Registry&);
    const char* reason;
  };
  const Case cases[] = {
      {"bad name", [](Registry& r) { r.AddCounter("1bad", "."); }, "invalid metric name"},
      {"bad label",
       [](Registry& r) {
         r.AddCounter("ok_total", ".", {{"bad-label", "x"}});
       },
       "invalid label name 'bad-label'"},
      {"reserved label",
       [](Registry& r) {
         r.AddCounter("ok_total", ".", {{"__x", "x"}});
       },
       "invalid label name '__x'"},
      {"le label",
       [](Registry& r) {
         r.AddHistogram("h", ".", {1}, {{"le", "x"}});
       },
       "invalid label name 'le'"},
      {"duplicate label",
       [](Registry& r) {
         r.AddCounter("ok_total", ".", {{"a", "1"}, {"a", "2"}});
       },
       "label 'a' given twice"},
      {"type clash",
       [](Registry& r) {
         r.AddCounter("clash", ".");
         r.AddGauge("clash", ".");
       },
       "already registered as a counter"},
      {"unsorted bounds",
       [](Registry& r) {
         r.AddHistogram("h", ".", {2, 1});
       },
       "strictly increasing"},
      {"bounds clash",
       [](Registry& r) {
         r.AddHistogram("h", ".", {1}, {{"a", "1"}});
         r.AddHistogram("h", ".", {2}, {{"a", "2"}});
       },
       "bounds differ"},
  };
  for (const Case& c : cases) {
    Registry registry;
    c.add(registry);
    EXPECT_THAT(std::string(registry.registration_status().message()), HasSubstr(c.reason))
        << c.what;
  }
}

TEST(RegistryTest, DetachedMetricsWorkButAreNotRendered) {
  Registry registry;
  Counter& good = registry.AddCounter("good_total", "Good.");
  Gauge& detached = registry.AddGauge("good_total", "Clashes with the counter.");
  detached.Set(99);
  good.Increment();
  EXPECT_EQ(detached.Value(), 99);
  EXPECT_THAT(registry.RenderPrometheusText(), Not(HasSubstr("99")));
  EXPECT_THAT(registry.RenderPrometheusText(), HasSubstr("good_total 1\n"));
  EXPECT_FALSE(registry.registration_status().ok());
}

TEST(RegistryTest, EmptyRegistryRendersNothing) {
  EXPECT_EQ(Registry().RenderPrometheusText(), "");
}

TEST(RegistryTest, ConcurrentIncrementsAndRendersLoseNothing) {
  Registry registry;
  Counter& counter = registry.AddCounter("hits_total", "Hits.");
  Gauge& gauge = registry.AddGauge("level", "Level.");
  Histogram& histogram = registry.AddHistogram("h", "H.", {1});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        counter.Increment();
        gauge.Increment();
        histogram.Observe(0.5);
      }
    });
  }
  std::thread renderer([&] {
    for (int i = 0; i < 50; ++i) EXPECT_THAT(registry.RenderPrometheusText(), HasSubstr("hits"));
  });
  for (std::thread& thread : threads) thread.join();
  renderer.join();
  EXPECT_EQ(counter.Value(), uint64_t{kThreads * kPerThread});
  EXPECT_EQ(gauge.Value(), kThreads * kPerThread);
  EXPECT_EQ(histogram.Snap().count, uint64_t{kThreads * kPerThread});
  EXPECT_DOUBLE_EQ(histogram.Snap().sum, 0.5 * kThreads * kPerThread);
}

}  // namespace
}  // namespace liminal::metrics
