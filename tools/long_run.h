// The loop shared by `pub`, `req` and `ping`: pacing by --rate (token bucket, sleeping, no
// busy waiting), stopping on Ctrl-C, counting results, a progress line on a terminal, and
// the final summary.
//
//   LongRun run({.command = "pub", .verb = "published", .total = 1000, .rate = 200.0,
//                .summary = true, .format = global.format()}, io, watcher);
//   while (run.WaitForTurn() && source.Next(...)) {
//     const absl::Time start = absl::Now();
//     absl::StatusOr<PublishResult> ack = client->Publish(...);
//     if (!ack.ok()) { exit_code = run.Fail("publish to 'orders' failed", ack.status()); break; }
//     run.RecordSuccess(absl::Now() - start);
//   }
//   run.Finish();   // erases the progress line, prints the summary when asked for
//
// The summary goes to stderr as text ("pub: published 1000 messages in ..."), or with --json
// to stdout as a {"summary":{...}} line (run_stats.h); it says so when --rate was not held.
//
// Pacing: sends start spaced by the rate (no initial burst); a caller that wakes up late
// (timer slack, a busy machine) may catch up with the sends it missed in the last
// kRateCatchUp, so high rates (50000/s: one send every 20 us) are held on average.
//
// Thread-safety: none, with one exception: WaitForTurn() touches only the pacing, so one
// thread may pace while another records results (one call at a time, e.g. under a lock).
#ifndef LIMINAL_TOOLS_LONG_RUN_H_
#define LIMINAL_TOOLS_LONG_RUN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/command_io.h"
#include "tools/interrupt_watcher.h"
#include "tools/output_format.h"
#include "tools/progress_line.h"
#include "tools/run_stats.h"
#include "tools/token_bucket.h"

namespace liminal::tools {

struct LongRunOptions {
  std::string command;            // "pub": names the progress and summary lines
  std::string verb;               // "published": the summary's verb
  std::string noun = "message";   // what is counted, singular ("ping", "request", ...)
  std::optional<uint64_t> total;  // results expected, when known (progress shows n/total)
  std::optional<double> rate;     // results per second, when paced
  bool summary = false;           // print the summary (and draw progress) at all
  OutputFormat format = OutputFormat::kText;
};

class LongRun {
 public:
  static constexpr absl::Duration kRateCatchUp = absl::Milliseconds(10);

  LongRun(LongRunOptions options, const CommandIo& io, InterruptWatcher& watcher);
  LongRun(const LongRun&) = delete;
  LongRun& operator=(const LongRun&) = delete;

  // Waits for the next slot of the rate; false once interrupted (the run should stop).
  bool WaitForTurn();

  void RecordSuccess(absl::Duration latency);
  void RecordSuccess();

  // Counts a failure, erases the progress line and reports it (exit_status.h); returns the
  // exit code.
  int Fail(std::string_view what, const absl::Status& status);

  // Erases the progress line, so the caller can print to stderr.
  void ClearProgress() { progress_.Clear(); }

  // Erases the progress line and prints the summary if options.summary. Call once.
  void Finish();

  const RunStats& stats() const { return stats_; }

 private:
  void DrawProgress();

  const LongRunOptions options_;
  const CommandIo& io_;
  InterruptWatcher& watcher_;
  RunStats stats_;
  ProgressLine progress_;
  std::optional<TokenBucket> bucket_;
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_LONG_RUN_H_
