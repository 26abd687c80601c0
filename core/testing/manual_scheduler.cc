#include "core/testing/manual_scheduler.h"

#include <optional>
#include <utility>

namespace liminal::testing {

using runtime::ExitReason;
using runtime::Message;
using runtime::Pid;

struct ManualScheduler::Entry {
  std::string name;
  std::unique_ptr<runtime::Process> process;  // null once terminated
  std::deque<Message> mailbox;
  std::vector<runtime::ExitCallback> monitors;
  bool started = false;
  bool scheduled = false;
  bool running = false;
  std::optional<ExitReason> exit;  // requested by the process or by Kill
};

class ManualScheduler::Context final : public runtime::ProcessContext {
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

ManualScheduler::ManualScheduler() = default;

ManualScheduler::~ManualScheduler() {
  // Destroy processes before the queue so their destructors can still Post/Cancel safely.
  for (auto& [pid, entry] : processes_) entry->process.reset();
  queue_.clear();
}

void ManualScheduler::Switch(SwitchPointKind kind, Pid pid) const {
  if (switch_hook_) switch_hook_(SwitchPoint{kind, pid, locks_held_});
}

Pid ManualScheduler::Spawn(std::unique_ptr<runtime::Process> process,
                           runtime::SpawnOptions options) {
  const Pid pid = next_pid_++;
  auto entry = std::make_unique<Entry>();
  entry->name = std::move(options.name);
  entry->process = std::move(process);
  processes_.emplace(pid, std::move(entry));
  ScheduleSlice(pid);
  Switch(SwitchPointKind::kSpawn, pid);
  return pid;
}

void ManualScheduler::ScheduleSlice(Pid pid) {
  Entry& entry = *processes_.at(pid);
  if (entry.scheduled) return;
  entry.scheduled = true;
  queue_.push_back([this, pid] { RunSlice(pid); });
}

void ManualScheduler::RunSlice(Pid pid) {
  Entry& entry = *processes_.at(pid);
  entry.scheduled = false;
  if (entry.process == nullptr) return;
  Context ctx(pid, entry);
  entry.running = true;
  if (!entry.started) {
    entry.started = true;
    entry.process->OnStart(ctx);
  } else if (!entry.mailbox.empty()) {
    Message message = std::move(entry.mailbox.front());
    entry.mailbox.pop_front();
    entry.process->OnMessage(ctx, message);
  }
  entry.running = false;
  if (entry.exit.has_value()) {
    Terminate(pid, *entry.exit);
  } else if (!entry.mailbox.empty()) {
    ScheduleSlice(pid);  // one message per slice, behind everything already queued
  }
}

bool ManualScheduler::Send(Pid pid, Message message) {
  Switch(SwitchPointKind::kSend, pid);
  auto it = processes_.find(pid);
  if (it == processes_.end() || it->second->process == nullptr || it->second->exit.has_value()) {
    return false;
  }
  if (send_filter_ && !send_filter_(pid, message)) return false;
  it->second->mailbox.push_back(std::move(message));
  if (!it->second->running) ScheduleSlice(pid);
  return true;
}

bool ManualScheduler::IsAlive(Pid pid) const {
  Switch(SwitchPointKind::kIsAlive, pid);
  auto it = processes_.find(pid);
  return it != processes_.end() && it->second->process != nullptr;
}

void ManualScheduler::Kill(Pid pid, ExitReason reason) {
  Switch(SwitchPointKind::kKill, pid);
  reason.kind = runtime::ExitKind::kKilled;  // as scheduler.h promises, whatever the caller says
  auto it = processes_.find(pid);
  if (it == processes_.end() || it->second->process == nullptr) return;
  Entry& entry = *it->second;
  if (entry.running) {
    // Takes effect when the current slice returns.
    if (!entry.exit.has_value()) entry.exit = std::move(reason);
    return;
  }
  Terminate(pid, std::move(reason));
}

void ManualScheduler::Monitor(Pid pid, runtime::ExitCallback on_exit) {
  auto it = processes_.find(pid);
  if (it == processes_.end() || it->second->process == nullptr) {
    Post([pid, cb = std::move(on_exit)]() mutable {
      std::move(cb)(pid, ExitReason{runtime::ExitKind::kNoProc, "no such process"});
    });
    return;
  }
  it->second->monitors.push_back(std::move(on_exit));
}

void ManualScheduler::Post(absl::AnyInvocable<void() &&> task) {
  queue_.push_back(std::move(task));
}

void ManualScheduler::Terminate(Pid pid, ExitReason reason) {
  Entry& entry = *processes_.at(pid);
  std::unique_ptr<runtime::Process> process = std::move(entry.process);
  entry.mailbox.clear();
  std::vector<runtime::ExitCallback> monitors = std::move(entry.monitors);
  entry.monitors.clear();
  process.reset();  // destructor runs now, like a real process's cleanup on exit
  for (auto& monitor : monitors) {
    Post([pid, reason, cb = std::move(monitor)]() mutable { std::move(cb)(pid, reason); });
  }
}

bool ManualScheduler::RunOne() {
  if (queue_.empty()) return false;
  absl::AnyInvocable<void()&&> item = std::move(queue_.front());
  queue_.pop_front();
  std::move(item)();
  return true;
}

size_t ManualScheduler::RunUntilIdle(size_t max_steps) {
  size_t steps = 0;
  while (steps < max_steps && RunOne()) ++steps;
  return steps;
}

std::vector<Pid> ManualScheduler::LivePids() const {
  std::vector<Pid> pids;
  for (const auto& [pid, entry] : processes_) {
    if (entry->process != nullptr) pids.push_back(pid);
  }
  return pids;
}

const std::string& ManualScheduler::NameOf(Pid pid) const { return processes_.at(pid)->name; }

}  // namespace liminal::testing
