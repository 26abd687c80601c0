#include "sim/kernel/wait_channel.h"

namespace liminal::sim {

const char* WaitKindName(WaitKind kind) {
  switch (kind) {
    case WaitKind::kNone:
      return "nothing";
    case WaitKind::kMutex:
      return "mutex";
    case WaitKind::kCondition:
      return "condition";
    case WaitKind::kMailbox:
      return "mailbox";
    case WaitKind::kSleep:
      return "sleep";
    case WaitKind::kSocketRead:
      return "socket-read";
    case WaitKind::kAccept:
      return "accept";
    case WaitKind::kCheckFailed:
      return "check-failed";
  }
  return "unknown";
}

}  // namespace liminal::sim
