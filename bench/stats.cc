#include "bench/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace liminal::bench {

double PercentileOfSorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const size_t index =
      static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size()))) - 1;
  return sorted[index];
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return (values[middle - 1] + values[middle]) / 2;
}

double RelativeSpread(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  const auto [min, max] = std::minmax_element(values.begin(), values.end());
  const double median = Median(values);
  if (median == 0) return 0;
  return (*max - *min) / std::abs(median);
}

LatencySummary SummarizeLatencies(const std::vector<int64_t>& samples_ns) {
  LatencySummary summary;
  if (samples_ns.empty()) return summary;
  std::vector<double> us;
  us.reserve(samples_ns.size());
  for (int64_t ns : samples_ns) us.push_back(static_cast<double>(ns) / 1000.0);
  std::sort(us.begin(), us.end());
  summary.count = us.size();
  summary.p50_us = PercentileOfSorted(us, 50);
  summary.p99_us = PercentileOfSorted(us, 99);
  summary.p999_us = PercentileOfSorted(us, 99.9);
  summary.mean_us = std::accumulate(us.begin(), us.end(), 0.0) / static_cast<double>(us.size());
  summary.max_us = us.back();
  return summary;
}

}  // namespace liminal::bench
