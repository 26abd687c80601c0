// Ctrl-C (SIGINT) and SIGTERM for the networked commands. The first signal asks the running
// command to stop cleanly: interrupted() turns true, SleepUntil() wakes up, and every
// registered callback runs (e.g. to unsubscribe, which wakes a blocked Next()). The command
// then prints its summary and exits as usual. A second signal ends the process at once with
// exit code 130.
//
//   InterruptWatcher& watcher = InterruptWatcher::Install();   // before connecting
//   auto client = ConnectToServer(global);
//   InterruptWatcher::Registration stop = watcher.OnInterrupt([&] { sub->Unsubscribe(); });
//   while (!watcher.interrupted()) { ... sub->Next(...) ... }
//   if (!watcher.SleepUntil(next_send)) break;                  // interrupted while waiting
//
// Install() blocks both signals in the calling thread, so every thread started afterwards
// (the client's I/O thread included) inherits the mask, and a dedicated thread takes them
// with sigwait(). Call it before any other thread is started. Child processes must unblock
// them (shell_command.h does).
//
// Tests construct a watcher of their own (no signals involved) and call Interrupt().
//
// Thread-safety: thread-safe. Callbacks run on the thread that calls Interrupt() (the signal
// thread), one at a time, while the watcher's lock is held: they must be quick and must not
// call back into the watcher. A Registration's destructor waits for its callback to finish.
#ifndef LIMINAL_TOOLS_INTERRUPT_WATCHER_H_
#define LIMINAL_TOOLS_INTERRUPT_WATCHER_H_

#include <cstdint>
#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace liminal::tools {

class InterruptWatcher {
 public:
  // Unregisters its callback when destroyed.
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    ~Registration();

   private:
    friend class InterruptWatcher;
    Registration(InterruptWatcher* watcher, uint64_t id) : watcher_(watcher), id_(id) {}
    void Reset();

    InterruptWatcher* watcher_ = nullptr;
    uint64_t id_ = 0;
  };

  InterruptWatcher() = default;
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  // The process-wide watcher, listening for SIGINT and SIGTERM (see above). Idempotent.
  static InterruptWatcher& Install();

  bool interrupted() const;

  // Sleeps until `deadline`. Returns false, at once or as soon as it happens, if interrupted.
  bool SleepUntil(absl::Time deadline);

  // Runs `callback` when the interrupt comes, or right away if it already came.
  [[nodiscard]] Registration OnInterrupt(std::function<void()> callback);

  // What the first signal does. Later calls do nothing.
  void Interrupt();

 private:
  mutable absl::Mutex mu_;
  bool interrupted_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, std::function<void()>> callbacks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_INTERRUPT_WATCHER_H_
