// The simulated runtime::Scheduler: each process is a fiber that runs one slice per
// message and parks on its mailbox in between, so two slices of one process never overlap
// while slices of different processes, timers, monitors and outside callers interleave at
// every switch point. Send, Spawn, Kill, IsAlive, Monitor and Post are switch points.
//
// Kill of a process that is between slices ends it at once (IsAlive turns false, Sends
// fail); its fiber then destroys the Process and notifies monitors, each in its own fiber.
// Kill of a process in the middle of a slice takes effect when the slice returns.
//
// Fault injection: FailWakes(pid, n) makes the next n Sends of a Wake to a live `pid`
// return false (pid = kNoPid: to any process) — the "wake failed" path of the supervisor.
#ifndef LIMINAL_SIM_RUNTIME_SIM_SCHEDULER_H_
#define LIMINAL_SIM_RUNTIME_SIM_SCHEDULER_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "core/runtime/scheduler.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {

class SimScheduler final : public runtime::Scheduler {
 public:
  using SpawnObserver = std::function<void(runtime::Pid, const std::string& name)>;

  explicit SimScheduler(FiberKernel& kernel);
  ~SimScheduler() override;

  runtime::Pid Spawn(std::unique_ptr<runtime::Process> process,
                     runtime::SpawnOptions options) override;
  bool Send(runtime::Pid pid, runtime::Message message) override;
  bool IsAlive(runtime::Pid pid) const override;
  void Kill(runtime::Pid pid, runtime::ExitReason reason) override;
  void Monitor(runtime::Pid pid, runtime::ExitCallback on_exit) override;
  void Post(absl::AnyInvocable<void() &&> task) override;

  // Harness side: no switch points.
  bool alive(runtime::Pid pid) const;
  std::vector<runtime::Pid> LivePids() const;  // in pid order
  // Live processes spawned with SpawnOptions::name == `name`, in pid order.
  std::vector<runtime::Pid> LivePidsNamed(std::string_view name) const;
  std::vector<runtime::Pid> SpawnedPids() const;
  // The SpawnOptions::name of `pid` ("connection", "participant:echo", ...); "" if unknown.
  std::string NameOf(runtime::Pid pid) const;
  void set_spawn_observer(SpawnObserver observer) { spawn_observer_ = std::move(observer); }
  void FailWakes(runtime::Pid pid, int count);
  // Fault injection: when `pid` exits, its monitors are never called (a runtime that loses
  // an exit notification). The pid is then listed in lost_exit_notices(), in exit order.
  void LoseExitNotice(runtime::Pid pid);
  const std::vector<runtime::Pid>& lost_exit_notices() const { return lost_exit_notices_; }
  // Whether a Wake to `pid` was ever failed by FailWakes (the messaging history's liveness
  // check exempts such a connection: its messages wait for the next publish).
  bool WakeEverFailed(runtime::Pid pid) const { return wake_failed_.contains(pid); }
  // Bumped on every kill and exit (the invariant checkers re-read state when it moves).
  uint64_t version() const { return version_; }
  // Destroys every remaining Process object (end of a run, from the main context).
  void DestroyAll();

 private:
  struct Entry;
  class Context;
  void ProcessMain(runtime::Pid pid);
  void Terminate(runtime::Pid pid, Entry& entry);

  Entry* Find(runtime::Pid pid) const {
    return pid == runtime::kNoPid || pid > entries_.size() ? nullptr : entries_[pid - 1].get();
  }

  FiberKernel& kernel_;
  std::vector<std::unique_ptr<Entry>> entries_;  // index pid - 1 (pids are never reused)
  SpawnObserver spawn_observer_;
  absl::btree_map<runtime::Pid, int> failing_wakes_;  // kNoPid: any process
  std::vector<runtime::Pid> lost_exit_notices_;
  absl::btree_set<runtime::Pid> wake_failed_;
  uint64_t version_ = 0;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_RUNTIME_SIM_SCHEDULER_H_
