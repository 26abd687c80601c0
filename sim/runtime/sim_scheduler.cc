#include "sim/runtime/sim_scheduler.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::sim {

using runtime::ExitReason;
using runtime::Message;
using runtime::Pid;

struct SimScheduler::Entry {
  std::string name;
  std::unique_ptr<runtime::Process> process;
  std::deque<Message> mailbox;
  std::vector<runtime::ExitCallback> monitors;
  FiberId fiber = 0;
  bool alive = true;
  bool in_slice = false;
  bool lose_exit_notice = false;
  std::optional<ExitReason> exit;
};

class SimScheduler::Context final : public runtime::ProcessContext {
 public:
  Context(Pid pid, Entry& entry) : pid_(pid), entry_(entry) {}
  Pid self() const override { return pid_; }
  void Exit(ExitReason reason) override {
    if (!entry_.exit.has_value()) entry_.exit = std::move(reason);
  }

 private:
  Pid pid_;
  Entry& entry_;
};

SimScheduler::SimScheduler(FiberKernel& kernel) : kernel_(kernel) {}

SimScheduler::~SimScheduler() { DestroyAll(); }

void SimScheduler::DestroyAll() {
  for (auto& entry : entries_) {
    entry->alive = false;
    entry->mailbox.clear();
    entry->monitors.clear();
    entry->process.reset();
  }
}

Pid SimScheduler::Spawn(std::unique_ptr<runtime::Process> process, runtime::SpawnOptions options) {
  auto entry = std::make_unique<Entry>();
  entry->name = std::move(options.name);
  entry->process = std::move(process);
  Entry& e = *entry;
  entries_.push_back(std::move(entry));
  const Pid pid = entries_.size();
  kernel_.trace().Add(TraceKind::kProcess, pid, static_cast<uint64_t>(ProcessOp::kSpawn), 0,
                      e.name);
  e.fiber = kernel_.Spawn(absl::StrCat("proc:", pid), [this, pid] { ProcessMain(pid); });
  if (spawn_observer_) spawn_observer_(pid, e.name);
  // The first slice may run (and even exit) before Spawn returns.
  kernel_.SwitchPoint(SwitchKind::kSpawn, pid);
  return pid;
}

void SimScheduler::ProcessMain(Pid pid) {
  Entry& e = *Find(pid);
  Context ctx(pid, e);
  if (!e.exit.has_value()) {
    e.in_slice = true;
    e.process->OnStart(ctx);
    e.in_slice = false;
  }
  while (!e.exit.has_value()) {
    if (e.mailbox.empty()) {
      kernel_.Block({WaitKind::kMailbox, pid});
      continue;
    }
    Message message = std::move(e.mailbox.front());
    e.mailbox.pop_front();
    e.in_slice = true;
    e.process->OnMessage(ctx, message);
    e.in_slice = false;
  }
  Terminate(pid, e);
}

void SimScheduler::Terminate(Pid pid, Entry& e) {
  e.alive = false;
  e.mailbox.clear();
  ++version_;
  const ExitReason reason = *e.exit;
  kernel_.trace().Add(TraceKind::kProcess, pid, static_cast<uint64_t>(ProcessOp::kExit),
                      static_cast<uint64_t>(reason.kind));
  std::vector<runtime::ExitCallback> monitors = std::move(e.monitors);
  e.monitors.clear();
  kernel_.SwitchPoint(SwitchKind::kExit, pid);
  // The destructor runs in the process's own fiber, like a real process's cleanup.
  std::unique_ptr<runtime::Process> process = std::move(e.process);
  process.reset();
  if (e.lose_exit_notice) {
    // The runtime loses this exit: no monitor hears of it (what the reap safety net is for).
    lost_exit_notices_.push_back(pid);
    kernel_.trace().Add(TraceKind::kFault, pid, 0, 0,
                        absl::StrCat("the exit notice of pid ", pid, " is lost"));
    return;
  }
  for (auto& monitor : monitors) {
    kernel_.Spawn(absl::StrCat("monitor:", pid),
                  [pid, reason, cb = std::move(monitor)]() mutable { std::move(cb)(pid, reason); });
  }
}

bool SimScheduler::Send(Pid pid, Message message) {
  kernel_.SwitchPoint(SwitchKind::kSend, pid);
  Entry* found = Find(pid);
  if (found == nullptr || !found->alive || found->exit.has_value()) return false;
  Entry& e = *found;
  if (std::holds_alternative<runtime::Wake>(message) && !failing_wakes_.empty()) {
    for (Pid key : {pid, runtime::kNoPid}) {
      auto failing = failing_wakes_.find(key);
      if (failing == failing_wakes_.end()) continue;
      if (--failing->second <= 0) failing_wakes_.erase(failing);
      wake_failed_.insert(pid);
      kernel_.trace().Add(TraceKind::kProcess, pid, static_cast<uint64_t>(ProcessOp::kWakeFailed));
      return false;
    }
  }
  e.mailbox.push_back(std::move(message));
  kernel_.Wake(e.fiber, {WaitKind::kMailbox, pid});
  return true;
}

bool SimScheduler::IsAlive(Pid pid) const {
  kernel_.SwitchPoint(SwitchKind::kIsAlive, pid);
  return alive(pid);
}

bool SimScheduler::alive(Pid pid) const {
  const Entry* e = Find(pid);
  return e != nullptr && e->alive;
}

void SimScheduler::Kill(Pid pid, ExitReason reason) {
  kernel_.SwitchPoint(SwitchKind::kKill, pid);
  Entry* found = Find(pid);
  if (found == nullptr || !found->alive || found->exit.has_value()) return;
  Entry& e = *found;
  kernel_.trace().Add(TraceKind::kProcess, pid, static_cast<uint64_t>(ProcessOp::kKill),
                      e.in_slice ? 1 : 0, reason.detail);
  e.exit = std::move(reason);
  ++version_;
  if (!e.in_slice) {
    // Between slices: dead now; the fiber destroys the process and notifies monitors.
    e.alive = false;
    e.mailbox.clear();
    kernel_.Wake(e.fiber, {WaitKind::kMailbox, pid});
  }
}

void SimScheduler::Monitor(Pid pid, runtime::ExitCallback on_exit) {
  kernel_.SwitchPoint(SwitchKind::kMonitor, pid);
  Entry* e = Find(pid);
  if (e == nullptr || !e->alive || e->process == nullptr) {
    kernel_.Spawn(absl::StrCat("monitor:", pid), [pid, cb = std::move(on_exit)]() mutable {
      std::move(cb)(pid, ExitReason{runtime::ExitKind::kNoProc, "no such process"});
    });
    return;
  }
  e->monitors.push_back(std::move(on_exit));
}

void SimScheduler::Post(absl::AnyInvocable<void() &&> task) {
  kernel_.SwitchPoint(SwitchKind::kPost);
  kernel_.Spawn("post", std::move(task));
}

std::vector<Pid> SimScheduler::LivePids() const {
  std::vector<Pid> pids;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i]->alive) pids.push_back(i + 1);
  }
  return pids;
}

std::vector<Pid> SimScheduler::LivePidsNamed(std::string_view name) const {
  std::vector<Pid> pids;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i]->alive && entries_[i]->name == name) pids.push_back(i + 1);
  }
  return pids;
}

std::string SimScheduler::NameOf(Pid pid) const {
  const Entry* e = Find(pid);
  return e == nullptr ? std::string() : e->name;
}

std::vector<Pid> SimScheduler::SpawnedPids() const {
  std::vector<Pid> pids;
  pids.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) pids.push_back(i + 1);
  return pids;
}

void SimScheduler::LoseExitNotice(Pid pid) {
  if (Entry* e = Find(pid)) e->lose_exit_notice = true;
}

void SimScheduler::FailWakes(Pid pid, int count) {
  if (count > 0) failing_wakes_[pid] += count;
}

}  // namespace liminal::sim
