#include "sim/harness/shutdown_coordinator.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

void ShutdownCoordinator::Start() {
  kernel_.Spawn("shutdown", [this] { Run(); });
}

void ShutdownCoordinator::Run() {
  kernel_.SleepUntil(kernel_.start() + absl::Microseconds(spec_.at_us));
  Trace& trace = kernel_.trace();
  report_.started = true;
  report_.started_at = kernel_.Now();
  report_.drain_timeout = absl::Microseconds(spec_.drain_us);
  report_.force_bound = kForceCloseBound;
  trace.Add(TraceKind::kApp, 0, 0, 0, "shutdown: stop accepting");
  network_.listener().Stop();
  trace.Add(TraceKind::kApp, 0, 0, 0,
            absl::StrCat("shutdown: notify ",
                         spec_.every_connection ? "every connection" : "subscribers"));
  supervisor_.NotifyShutdown(spec_.every_connection);
  const bool drained = supervisor_.AwaitIdle(report_.drain_timeout);
  report_.drain_returned_at = kernel_.Now();
  trace.Add(TraceKind::kApp, 0, drained, 0,
            absl::StrCat("shutdown: drain ", drained ? "finished" : "timed out", " after ",
                         absl::FormatDuration(report_.drain_returned_at - report_.started_at),
                         "; force close"));
  supervisor_.Shutdown();
  report_.idle_after_force = supervisor_.AwaitIdle(kForceCloseBound);
  report_.force_returned_at = kernel_.Now();
  const absl::Status flushed = supervisor_.FlushDurableState();
  report_.flush_ok = flushed.ok();
  report_.flush_error_typed = flushed.ok() || server::IsShutdownFlushError(flushed);
  trace.Add(TraceKind::kApp, 0, report_.idle_after_force, flushed.ok(),
            absl::StrCat("shutdown: ", report_.idle_after_force ? "idle" : "NOT idle", ", flush ",
                         flushed.ok() ? "ok" : std::string(flushed.message())));
  report_.finished = true;
}

}  // namespace liminal::sim
