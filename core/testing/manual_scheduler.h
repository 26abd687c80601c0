// A single-threaded Scheduler with a FIFO run queue that runs only when the test says so.
// One RunOne() executes exactly one item: a process slice (OnStart or one message) or a
// posted task (timer callbacks, exit monitors). Tests can fail sends and observe every
// switch point, which is how unit tests force one precise interleaving.
#ifndef LIMINAL_CORE_TESTING_MANUAL_SCHEDULER_H_
#define LIMINAL_CORE_TESTING_MANUAL_SCHEDULER_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "core/runtime/scheduler.h"
#include "core/testing/switch_point.h"

namespace liminal::testing {

class ManualScheduler final : public runtime::Scheduler {
 public:
  // Returns false to make a Send fail (the message is dropped, Send returns false).
  using SendFilter = std::function<bool(runtime::Pid, const runtime::Message&)>;
  using SwitchHook = std::function<void(const SwitchPoint&)>;

  ManualScheduler();
  ~ManualScheduler() override;

  runtime::Pid Spawn(std::unique_ptr<runtime::Process> process,
                     runtime::SpawnOptions options) override;
  bool Send(runtime::Pid pid, runtime::Message message) override;
  bool IsAlive(runtime::Pid pid) const override;
  void Kill(runtime::Pid pid, runtime::ExitReason reason) override;
  void Monitor(runtime::Pid pid, runtime::ExitCallback on_exit) override;
  void Post(absl::AnyInvocable<void() &&> task) override;

  // Runs one queued item; false if the queue was empty.
  bool RunOne();
  // Runs until the queue is empty (or `max_steps` items ran); returns the number run.
  size_t RunUntilIdle(size_t max_steps = 1'000'000);
  bool idle() const { return queue_.empty(); }

  void set_send_filter(SendFilter filter) { send_filter_ = std::move(filter); }
  // Called at every switch point. The hook may run queued work (RunOne) re-entrantly.
  void set_switch_hook(SwitchHook hook) { switch_hook_ = std::move(hook); }
  void Switch(SwitchPointKind kind, runtime::Pid pid = runtime::kNoPid) const;
  // Bookkeeping from the manual mutexes, reported in every SwitchPoint.
  void NoteLockHeld(int delta) { locks_held_ += delta; }

  // Pids spawned so far that are still alive, in pid order.
  std::vector<runtime::Pid> LivePids() const;
  const std::string& NameOf(runtime::Pid pid) const;

 private:
  struct Entry;
  class Context;
  void ScheduleSlice(runtime::Pid pid);
  void RunSlice(runtime::Pid pid);
  void Terminate(runtime::Pid pid, runtime::ExitReason reason);

  runtime::Pid next_pid_ = 1;
  absl::btree_map<runtime::Pid, std::unique_ptr<Entry>> processes_;
  std::deque<absl::AnyInvocable<void() &&>> queue_;
  SendFilter send_filter_;
  SwitchHook switch_hook_;
  int locks_held_ = 0;
};

}  // namespace liminal::testing

#endif  // LIMINAL_CORE_TESTING_MANUAL_SCHEDULER_H_
