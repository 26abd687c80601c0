// Everything the supervisor and its connection processes do that a safety property can be
// stated about. Events go to an optional SupervisorEventSink (the simulation's tracer and
// the invariant checkers); production installs none, and emitting is then a null check.
#ifndef LIMINAL_CORE_SERVER_SUPERVISOR_EVENT_H_
#define LIMINAL_CORE_SERVER_SUPERVISOR_EVENT_H_

#include <cstdint>
#include <string>

#include "core/runtime/pid.h"

namespace liminal::server {

enum class SupervisorEventKind {
  kSpawned,               // pid: a connection process was spawned
  kRecordInserted,        // pid
  kRecordRemoved,         // pid
  kReleased,              // pid: the connection's resources were released (once)
  kSlotRegistered,        // pid = owner, id = correlation id
  kSlotReplied,           // pid = owner, id
  kSlotCancelled,         // pid = owner, id
  kSlotTimedOut,          // pid = owner, id
  kAwaiterReply,          // pid = owner, id: receive() returned the reply
  kAwaiterTimeout,        // pid = owner, id: receive() returned Timeout
  kAwaiterDisconnected,   // pid = owner, id: receive() returned Disconnected
  kControlEnqueued,       // pid, id = control id
  kControlConsumed,       // pid, id
  kControlRolledBack,     // pid, id
  kControlDiscarded,      // pid, id: still queued when the connection was released
  kRegistrationStored,    // pid
  kRegistrationRejected,  // pid
  kUnregisterFired,       // pid
  kFrameSent,             // pid, id = frame type id
  kSocketClosed,          // pid: the server closed the socket
};

const char* SupervisorEventKindName(SupervisorEventKind kind);

struct SupervisorEvent {
  SupervisorEventKind kind;
  runtime::Pid pid = runtime::kNoPid;
  uint64_t id = 0;

  std::string ToString() const;
};

class SupervisorEventSink {
 public:
  virtual ~SupervisorEventSink() = default;
  // May be called from any runtime thread; implementations synchronize themselves.
  virtual void Record(const SupervisorEvent& event) = 0;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_SUPERVISOR_EVENT_H_
