#include "core/server/assembly/graceful_shutdown.h"

namespace liminal::server {

GracefulShutdown::GracefulShutdown(ConnectionSupervisor& supervisor, ShutdownPlan plan,
                                   runtime::Listener* listener)
    : supervisor_(supervisor), plan_(plan), listener_(listener) {}

bool GracefulShutdown::ClaimForceClose() {
  bool expected = false;
  return force_close_claimed_.compare_exchange_strong(expected, true);
}

void GracefulShutdown::ForceNow() {
  if (!ClaimForceClose()) return;
  forced_early_ = true;
  supervisor_.Shutdown();  // wakes Run()'s drain wait
}

ShutdownReport GracefulShutdown::Run(ShutdownObserver* observer) {
  ShutdownObserver silent;
  ShutdownObserver& observe = observer != nullptr ? *observer : silent;
  ShutdownReport report;

  if (listener_ != nullptr) listener_->Stop();
  observe.OnStoppedAccepting();
  supervisor_.NotifyShutdown(plan_.notify_every_connection);
  observe.OnNotified(plan_.notify_every_connection);

  report.drained = supervisor_.AwaitDrain(plan_.drain_timeout);
  report.forced_early = forced_early_;
  report.force_closed = report.drained ? 0 : supervisor_.ActiveCount();
  observe.OnDrainEnded(report.drained, report.forced_early, report.force_closed);

  // Always: even after a clean drain, a connection accepted just before the listener stopped
  // may still be spawning; Shutdown() refuses it or force-closes it once inserted.
  if (ClaimForceClose()) supervisor_.Shutdown();
  // A record whose process is gone without its exit being reported would block the idle
  // wait forever: the reap safety net removes it.
  report.reaped = supervisor_.ReapCrashedConnections();
  report.idle_after_force = supervisor_.AwaitIdle(plan_.force_close_grace);
  if (!report.idle_after_force) {
    // A process that vanished during the wait, its exit unreported, is reaped too.
    report.reaped += supervisor_.ReapCrashedConnections();
    report.idle_after_force = supervisor_.ActiveCount() == 0;
  }
  report.remaining = report.idle_after_force ? 0 : supervisor_.ActiveCount();
  observe.OnForceCloseEnded(report.idle_after_force, report.remaining);

  report.flushed = supervisor_.FlushDurableState();
  observe.OnFlushed(report.flushed);
  return report;
}

}  // namespace liminal::server
