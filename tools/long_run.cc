#include "tools/long_run.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "tools/exit_status.h"

namespace liminal::tools {

LongRun::LongRun(LongRunOptions options, const CommandIo& io, InterruptWatcher& watcher)
    : options_(std::move(options)),
      io_(io),
      watcher_(watcher),
      stats_(absl::Now()),
      progress_(io.err, options_.summary && io.err_is_terminal) {
  if (options_.rate.has_value()) {
    const double burst = std::max(1.0, *options_.rate * absl::ToDoubleSeconds(kRateCatchUp));
    bucket_.emplace(*options_.rate, burst, stats_.start(), TokenBucket::Start::kEmpty);
  }
}

bool LongRun::WaitForTurn() {
  if (watcher_.interrupted()) return false;
  if (!bucket_.has_value()) return true;
  return watcher_.SleepUntil(bucket_->Take(absl::Now()));
}

void LongRun::RecordSuccess(absl::Duration latency) {
  stats_.RecordSuccess(latency);
  DrawProgress();
}

void LongRun::RecordSuccess() {
  stats_.RecordSuccess();
  DrawProgress();
}

int LongRun::Fail(std::string_view what, const absl::Status& status) {
  stats_.RecordFailure();
  progress_.Clear();
  return ReportFailure(io_.err, options_.command, what, status);
}

void LongRun::DrawProgress() {
  const absl::Time now = absl::Now();
  progress_.Update(now, [&] {
    const double seconds = absl::ToDoubleSeconds(now - stats_.start());
    const double rate = seconds > 0 ? static_cast<double>(stats_.messages()) / seconds : 0;
    std::string done = absl::StrFormat("%d", stats_.messages());
    if (options_.total.has_value()) absl::StrAppendFormat(&done, "/%d", *options_.total);
    return absl::StrFormat("%s: %s %s, %.1f/s, %d errors, %.1f s", options_.command, done,
                           options_.verb, rate, stats_.errors(), seconds);
  });
}

void LongRun::Finish() {
  progress_.Clear();
  if (!options_.summary) return;
  RunSummary summary = stats_.Summarize(absl::Now());
  summary.requested_rate = options_.rate;
  if (options_.format == OutputFormat::kJson) {
    WriteJsonLine(io_.out, SummaryToJson(options_.command, summary));
  } else {
    io_.err << FormatSummary(options_.command, options_.verb, options_.noun, summary) << std::endl;
  }
}

}  // namespace liminal::tools
