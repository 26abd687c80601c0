#include "sim/harness/shutdown_coordinator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/server/assembly/graceful_shutdown.h"

namespace liminal::sim {

void ShutdownCoordinator::Start() {
  kernel_.Spawn("shutdown", [this] { Run(); });
}

void ShutdownCoordinator::OnStoppedAccepting() {
  kernel_.trace().Add(TraceKind::kApp, 0, 0, 0, "shutdown: stopped accepting");
}

void ShutdownCoordinator::OnNotified(bool every_connection) {
  kernel_.trace().Add(
      TraceKind::kApp, 0, 0, 0,
      absl::StrCat("shutdown: notified ", every_connection ? "every connection" : "subscribers"));
}

void ShutdownCoordinator::OnDrainEnded(bool drained, bool forced_early, size_t remaining) {
  (void)forced_early;
  report_.drain_returned_at = kernel_.Now();
  report_.force_returned_at = kernel_.Now();
  report_.drain_end_event = events_.size();
  // Ground truth from the runtime, not the supervisor: which notified connections are still
  // running now, and so must have been sent their Disconnect during the drain.
  const std::vector<runtime::Pid> live = scheduler_.LivePidsNamed("connection");
  for (runtime::Pid pid : report_.notified) {
    if (std::binary_search(live.begin(), live.end(), pid)) report_.open_at_drain_end.push_back(pid);
  }
  kernel_.trace().Add(
      TraceKind::kApp, 0, drained, remaining,
      absl::StrCat("shutdown: drain ", drained ? "finished" : "timed out", " after ",
                   absl::FormatDuration(report_.drain_returned_at - report_.started_at),
                   "; force close"));
}

void ShutdownCoordinator::OnForceCloseEnded(bool idle, size_t remaining) {
  report_.idle_after_force = idle;
  report_.force_returned_at = kernel_.Now();
  kernel_.trace().Add(
      TraceKind::kApp, 0, idle, remaining,
      absl::StrCat("shutdown: ", idle ? "idle" : "NOT idle", " after the force close"));
}

void ShutdownCoordinator::OnFlushed(const absl::Status& status) {
  report_.flush_ok = status.ok();
  report_.flush_error_typed = status.ok() || server::IsShutdownFlushError(status);
  kernel_.trace().Add(
      TraceKind::kApp, 0, status.ok(), 0,
      absl::StrCat("shutdown: flush ", status.ok() ? "ok" : std::string(status.message())));
}

void ShutdownCoordinator::Run() {
  kernel_.SleepUntil(kernel_.start() + absl::Microseconds(spec_.at_us));
  report_.started = true;
  report_.started_at = kernel_.Now();
  report_.drain_timeout = absl::Microseconds(spec_.drain_us);
  report_.force_bound = kForceCloseBound;
  report_.notify_every_connection = spec_.every_connection;
  // The connections the notice is for: those tracked and running when the sequence starts.
  // (One still being spawned is not tracked yet; the force close covers it.)
  const std::vector<runtime::Pid> running = scheduler_.LivePidsNamed("connection");
  for (runtime::Pid pid : supervisor_.ActivePids()) {
    if (std::binary_search(running.begin(), running.end(), pid)) report_.notified.push_back(pid);
  }
  // The sequence liminald runs (core/server/assembly/graceful_shutdown.h).
  server::GracefulShutdown shutdown(supervisor_,
                                    server::ShutdownPlan{
                                        .drain_timeout = report_.drain_timeout,
                                        .force_close_grace = kForceCloseBound,
                                        .notify_every_connection = spec_.every_connection,
                                    },
                                    &network_.listener());
  (void)shutdown.Run(this);
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
