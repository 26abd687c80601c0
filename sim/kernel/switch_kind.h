// Where a fiber may be preempted: every seam call of the simulated runtime is a switch
// point, named by one of these kinds in the trace ("step 812 run proc:3 after lock m2").
#ifndef LIMINAL_SIM_KERNEL_SWITCH_KIND_H_
#define LIMINAL_SIM_KERNEL_SWITCH_KIND_H_

#include <cstdint>

namespace liminal::sim {

enum class SwitchKind : uint8_t {
  kStart,        // a fiber's first step
  kWoken,        // resumed after blocking
  kLock,         // Mutex::Lock, before acquiring
  kUnlock,       // Mutex::Unlock, after releasing
  kSend,         // Scheduler::Send
  kSpawn,        // Scheduler::Spawn, after the process exists
  kExit,         // a process slice returned with an exit pending
  kIsAlive,      // Scheduler::IsAlive
  kKill,         // Scheduler::Kill
  kMonitor,      // Scheduler::Monitor
  kPost,         // Scheduler::Post
  kClockRead,    // Clock::Now
  kTimerArm,     // Clock::RunAfter
  kTimerCancel,  // Clock::Cancel
  kSocket,       // a Socket or Listener call
  kFile,         // a File or FileSystem call
  kYield,        // an explicit yield (application code, network, clients)
};

const char* SwitchKindName(SwitchKind kind);

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_SWITCH_KIND_H_
