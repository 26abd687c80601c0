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
  kFrameReceived,         // pid, id = frame type id: a whole frame arrived and is handled
  kErrorSent,             // pid (kNoPid: refused at accept), id = the error frame's reason code
  kClosed,                // pid, id = CloseRoute: how the connection ended
};

const char* SupervisorEventKindName(SupervisorEventKind kind);

// Every way a connection ends (kClosed's id), for coverage: which close paths a workload
// reached.
enum class CloseRoute : uint8_t {
  kPeerClosed,        // the peer closed or reset the socket
  kClientDisconnect,  // the client sent Disconnect
  kProtocolError,     // the server sent ConnectError and closed
  kIdleTimeout,       // no traffic for idle_timeout
  kForceClosed,       // ForceClose / the shutdown's force close
  kSocketError,       // the socket failed (a simulation fault point)
  kCrashed,           // the process exited abnormally (crash, kill)
  kReaped,            // ReapCrashedConnections removed its record
  kOrphanRemoved,     // SpawnConnection found it dead right after inserting it
};
inline constexpr int kCloseRouteCount = 9;
const char* CloseRouteName(CloseRoute route);

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
