// The Scheduler seam: spawn processes, send them messages, look them up, kill them, and
// watch them die. Production binds it to Asio strands (io/), the simulation to seeded
// fibers (sim/), unit tests to a FIFO run queue (core/testing/).
//
//   Pid pid = scheduler.Spawn(std::move(process), {.name = "conn"});
//   scheduler.Monitor(pid, [](Pid p, const ExitReason& why) { ... });   // never missed
//   if (!scheduler.Send(pid, Wake{})) { /* not delivered: roll back */ }
#ifndef LIMINAL_CORE_RUNTIME_SCHEDULER_H_
#define LIMINAL_CORE_RUNTIME_SCHEDULER_H_

#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "core/runtime/message.h"
#include "core/runtime/pid.h"
#include "core/runtime/process.h"

namespace liminal::runtime {

struct SpawnOptions {
  std::string name;  // for traces and logs
};

using ExitCallback = absl::AnyInvocable<void(Pid, const ExitReason&) &&>;

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Registers the process and schedules its OnStart slice. The first slice may run (and
  // even exit) before Spawn returns on a multi-threaded runtime.
  virtual Pid Spawn(std::unique_ptr<Process> process, SpawnOptions options) = 0;

  // Appends to the mailbox. Returns false if the message was not delivered (the pid is not
  // live, or the runtime injected a failure); the message is then dropped.
  virtual bool Send(Pid pid, Message message) = 0;

  // True until the process has exited (normally or by Kill).
  virtual bool IsAlive(Pid pid) const = 0;

  // Terminates the process at its next slice boundary, without running any more of its
  // code. Monitors are told ExitKind::kKilled. No-op for a pid that is not live.
  virtual void Kill(Pid pid, ExitReason reason) = 0;

  // Calls `on_exit` exactly once, outside any process, when `pid` exits. If it has already
  // exited (or never existed), `on_exit` runs soon with ExitKind::kNoProc — so installing a
  // monitor right after Spawn can never miss the exit.
  virtual void Monitor(Pid pid, ExitCallback on_exit) = 0;

  // Runs `task` soon, outside any process.
  virtual void Post(absl::AnyInvocable<void() &&> task) = 0;
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_SCHEDULER_H_
