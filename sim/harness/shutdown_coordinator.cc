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
  // The daemon would stop the scheduler and exit now: nothing may still be running.
  report_.alive_after_finish = scheduler_.LivePidsNamed("connection");
  events_at_finish_ = events_.size();
}

DrainReport ShutdownCoordinator::Report() const {
  DrainReport report = report_;
  if (report.finished) {
    const std::vector<TimedEvent>& events = events_.events();
    for (size_t i = events_at_finish_; i < events.size(); ++i) {
      if (events[i].event.kind == server::SupervisorEventKind::kSpawned) {
        report.spawned_after_finish.push_back(events[i].event.pid);
      }
    }
  }
  return report;
}

}  // namespace liminal::sim
