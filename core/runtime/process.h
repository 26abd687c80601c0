// A lightweight process (actor): the unit of concurrency of the core.
//
//   class Echo : public Process {
//     void OnStart(ProcessContext& ctx) override { ... }
//     void OnMessage(ProcessContext& ctx, Message& msg) override {
//       if (std::holds_alternative<SocketClosed>(msg)) ctx.Exit(ExitReason::Normal());
//     }
//   };
//   Pid pid = scheduler.Spawn(std::make_unique<Echo>(), {.name = "echo"});
//
// A runtime never runs two slices of the same process at once; one slice handles one
// message. After Exit() the runtime destroys the process once the slice returns, drops its
// mailbox, and notifies its monitors.
#ifndef LIMINAL_CORE_RUNTIME_PROCESS_H_
#define LIMINAL_CORE_RUNTIME_PROCESS_H_

#include "core/runtime/message.h"
#include "core/runtime/pid.h"

namespace liminal::runtime {

// What a process may do to itself during a slice.
class ProcessContext {
 public:
  virtual ~ProcessContext() = default;
  virtual Pid self() const = 0;
  // Ends the process when the current slice returns. The first call wins.
  virtual void Exit(ExitReason reason) = 0;
};

class Process {
 public:
  virtual ~Process() = default;
  // The first slice, before any message.
  virtual void OnStart(ProcessContext& ctx) { (void)ctx; }
  virtual void OnMessage(ProcessContext& ctx, Message& message) = 0;
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_PROCESS_H_
