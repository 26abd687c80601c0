#include "tools/run_stats.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace liminal::tools {

absl::Duration NearestRankPercentile(const std::vector<absl::Duration>& sorted, double p) {
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

void RunStats::RecordSuccess(absl::Duration latency) {
  ++messages_;
  latencies_.push_back(latency);
}

RunSummary RunStats::Summarize(absl::Time end) const {
  RunSummary summary;
  summary.messages = messages_;
  summary.errors = errors_;
  summary.elapsed = std::max(end - start_, absl::ZeroDuration());
  const double seconds = absl::ToDoubleSeconds(summary.elapsed);
  summary.rate = seconds > 0 ? static_cast<double>(messages_) / seconds : 0;
  if (!latencies_.empty()) {
    std::vector<absl::Duration> sorted = latencies_;
    std::sort(sorted.begin(), sorted.end());
    summary.latency = LatencySummary{.p50 = NearestRankPercentile(sorted, 50),
                                     .p90 = NearestRankPercentile(sorted, 90),
                                     .p99 = NearestRankPercentile(sorted, 99),
                                     .max = sorted.back()};
  }
  return summary;
}

double ToMilliseconds(absl::Duration duration) { return absl::ToDoubleMilliseconds(duration); }

std::string CountOf(uint64_t count, std::string_view noun) {
  const absl::string_view word(noun.data(), noun.size());
  const bool sibilant = absl::EndsWith(word, "s") || absl::EndsWith(word, "sh") ||
                        absl::EndsWith(word, "ch") || absl::EndsWith(word, "x");
  return absl::StrFormat("%d %s%s", count, word, count == 1 ? "" : sibilant ? "es" : "s");
}

bool RateHeld(const RunSummary& summary) {
  return !summary.requested_rate.has_value() ||
         summary.rate >= *summary.requested_rate * kRateHeldFraction;
}

std::string FormatSummary(std::string_view command, std::string_view verb, std::string_view noun,
                          const RunSummary& summary) {
  std::string text = absl::StrFormat(
      "%s: %s %s in %.3f s (%.1f/s), %s", command, verb, CountOf(summary.messages, noun),
      absl::ToDoubleSeconds(summary.elapsed), summary.rate, CountOf(summary.errors, "error"));
  if (summary.latency.has_value()) {
    const LatencySummary& l = *summary.latency;
    absl::StrAppendFormat(&text, "; latency ms p50 %.3f p90 %.3f p99 %.3f max %.3f",
                          ToMilliseconds(l.p50), ToMilliseconds(l.p90), ToMilliseconds(l.p99),
                          ToMilliseconds(l.max));
  }
  if (!RateHeld(summary)) {
    const std::string unit = noun == "message" ? "msg/s" : std::string(noun) + "/s";
    absl::StrAppendFormat(&text, "\n%s: requested %.0f %s, achieved %.0f %s: the rate was not held",
                          command, *summary.requested_rate, unit, summary.rate, unit);
  }
  return text;
}

Json SummaryToJson(std::string_view command, const RunSummary& summary) {
  Json body = {{"command", std::string(command)},
               {"messages", summary.messages},
               {"errors", summary.errors},
               {"elapsed_s", absl::ToDoubleSeconds(summary.elapsed)},
               {"rate_per_s", summary.rate}};
  if (summary.latency.has_value()) {
    const LatencySummary& l = *summary.latency;
    body["latency_ms"] = {{"p50", ToMilliseconds(l.p50)},
                          {"p90", ToMilliseconds(l.p90)},
                          {"p99", ToMilliseconds(l.p99)},
                          {"max", ToMilliseconds(l.max)}};
  }
  if (summary.requested_rate.has_value()) {
    body["requested_rate_per_s"] = *summary.requested_rate;
    body["rate_held"] = RateHeld(summary);
  }
  return Json{{"summary", std::move(body)}};
}

}  // namespace liminal::tools
