// GracefulShutdown: the shutdown sequence of server-behaviour.md §6, the one liminald runs on
// SIGTERM and liminal-sim runs at a workload's shutdown time:
//   1. stop accepting;  2. NotifyShutdown (Disconnect once, to every connection by default);
//   3. wait until idle, at most drain_timeout (a ForceNow() cuts it short);
//   4. force close what remains (Shutdown(): later spawns are refused), reap records whose
//      process is gone, and wait for the rest, at most force_close_grace;
//   5. flush durable state.
//
//   GracefulShutdown shutdown(supervisor, {.drain_timeout = absl::Seconds(30)}, &listener);
//   ShutdownReport report = shutdown.Run(&observer);   // blocks its caller
//   // from another thread, e.g. on a second signal:
//   shutdown.ForceNow();
//
// Run() blocks on the supervisor's idle condition: call it from a thread (or fiber) that is
// not one of the runtime's process threads. The observer hears each step as it happens
// (logging, metrics, measurements); it is called on Run()'s thread.
#ifndef LIMINAL_CORE_SERVER_ASSEMBLY_GRACEFUL_SHUTDOWN_H_
#define LIMINAL_CORE_SERVER_ASSEMBLY_GRACEFUL_SHUTDOWN_H_

#include <atomic>
#include <cstddef>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/runtime/socket.h"
#include "core/server/connection_supervisor.h"

namespace liminal::server {

struct ShutdownPlan {
  absl::Duration drain_timeout = absl::Seconds(30);     // drain_timeout_ms
  absl::Duration force_close_grace = absl::Seconds(2);  // how long the force close may take
  // Disconnect to every connection (liminald), or only to subscribers (the reference's mode).
  bool notify_every_connection = true;
};

struct ShutdownReport {
  bool drained = false;          // every connection closed within the drain
  bool forced_early = false;     // ForceNow() cut the drain short
  size_t force_closed = 0;       // connections still open when the force close began
  size_t reaped = 0;             // records of vanished processes the force close reaped
  bool idle_after_force = true;  // none left after the force close
  size_t remaining = 0;          // connections left at the end (0 when idle)
  absl::Status flushed;          // ShutdownFlushError (connection_supervisor.h) on failure
};

class ShutdownObserver {
 public:
  virtual ~ShutdownObserver() = default;
  virtual void OnStoppedAccepting() {}
  virtual void OnNotified(bool every_connection) { (void)every_connection; }
  // The drain ended: every connection closed (drained), or `remaining` are force-closed next.
  // OnForceCloseEnded follows either way.
  virtual void OnDrainEnded(bool drained, bool forced_early, size_t remaining) {
    (void)drained, (void)forced_early, (void)remaining;
  }
  virtual void OnForceCloseEnded(bool idle, size_t remaining) { (void)idle, (void)remaining; }
  virtual void OnFlushed(const absl::Status& status) { (void)status; }
};

class GracefulShutdown {
 public:
  // `listener` may be null (nothing to stop accepting).
  GracefulShutdown(ConnectionSupervisor& supervisor, ShutdownPlan plan,
                   runtime::Listener* listener);
  GracefulShutdown(const GracefulShutdown&) = delete;
  GracefulShutdown& operator=(const GracefulShutdown&) = delete;

  // Runs steps 1-5 once; blocks until they are done. `observer` may be null.
  ShutdownReport Run(ShutdownObserver* observer = nullptr);

  // Cuts the drain short: force-closes every connection now (step 4 early). Thread-safe; a
  // no-op once the force close has begun.
  void ForceNow();

  const ShutdownPlan& plan() const { return plan_; }

 private:
  // True for the first caller only: the force close happens once.
  bool ClaimForceClose();

  ConnectionSupervisor& supervisor_;
  const ShutdownPlan plan_;
  runtime::Listener* const listener_;
  std::atomic<bool> force_close_claimed_{false};
  std::atomic<bool> forced_early_{false};
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_ASSEMBLY_GRACEFUL_SHUTDOWN_H_
