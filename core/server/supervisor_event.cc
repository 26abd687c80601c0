#include "core/server/supervisor_event.h"

#include "absl/strings/str_cat.h"

namespace liminal::server {

const char* SupervisorEventKindName(SupervisorEventKind kind) {
  switch (kind) {
    case SupervisorEventKind::kSpawned:
      return "spawned";
    case SupervisorEventKind::kRecordInserted:
      return "record-inserted";
    case SupervisorEventKind::kRecordRemoved:
      return "record-removed";
    case SupervisorEventKind::kReleased:
      return "released";
    case SupervisorEventKind::kSlotRegistered:
      return "slot-registered";
    case SupervisorEventKind::kSlotReplied:
      return "slot-replied";
    case SupervisorEventKind::kSlotCancelled:
      return "slot-cancelled";
    case SupervisorEventKind::kSlotTimedOut:
      return "slot-timed-out";
    case SupervisorEventKind::kAwaiterReply:
      return "awaiter-reply";
    case SupervisorEventKind::kAwaiterTimeout:
      return "awaiter-timeout";
    case SupervisorEventKind::kAwaiterDisconnected:
      return "awaiter-disconnected";
    case SupervisorEventKind::kControlEnqueued:
      return "control-enqueued";
    case SupervisorEventKind::kControlConsumed:
      return "control-consumed";
    case SupervisorEventKind::kControlRolledBack:
      return "control-rolled-back";
    case SupervisorEventKind::kControlDiscarded:
      return "control-discarded";
    case SupervisorEventKind::kRegistrationStored:
      return "registration-stored";
    case SupervisorEventKind::kRegistrationRejected:
      return "registration-rejected";
    case SupervisorEventKind::kUnregisterFired:
      return "unregister-fired";
    case SupervisorEventKind::kFrameSent:
      return "frame-sent";
    case SupervisorEventKind::kSocketClosed:
      return "socket-closed";
    case SupervisorEventKind::kFrameReceived:
      return "frame-received";
    case SupervisorEventKind::kErrorSent:
      return "error-sent";
    case SupervisorEventKind::kClosed:
      return "closed";
  }
  return "unknown";
}

const char* CloseRouteName(CloseRoute route) {
  switch (route) {
    case CloseRoute::kPeerClosed:
      return "peer-closed";
    case CloseRoute::kClientDisconnect:
      return "client-disconnect";
    case CloseRoute::kProtocolError:
      return "protocol-error";
    case CloseRoute::kIdleTimeout:
      return "idle-timeout";
    case CloseRoute::kForceClosed:
      return "force-closed";
    case CloseRoute::kSocketError:
      return "socket-error";
    case CloseRoute::kCrashed:
      return "crashed";
    case CloseRoute::kReaped:
      return "reaped";
    case CloseRoute::kOrphanRemoved:
      return "orphan-removed";
  }
  return "unknown";
}

std::string SupervisorEvent::ToString() const {
  return absl::StrCat(SupervisorEventKindName(kind), " pid=", pid, " id=", id);
}

}  // namespace liminal::server
