#include "sim/kernel/switch_kind.h"

namespace liminal::sim {

const char* SwitchKindName(SwitchKind kind) {
  switch (kind) {
    case SwitchKind::kStart:
      return "start";
    case SwitchKind::kWoken:
      return "woken";
    case SwitchKind::kLock:
      return "lock";
    case SwitchKind::kUnlock:
      return "unlock";
    case SwitchKind::kSend:
      return "send";
    case SwitchKind::kSpawn:
      return "spawn";
    case SwitchKind::kExit:
      return "exit";
    case SwitchKind::kIsAlive:
      return "is-alive";
    case SwitchKind::kKill:
      return "kill";
    case SwitchKind::kMonitor:
      return "monitor";
    case SwitchKind::kPost:
      return "post";
    case SwitchKind::kClockRead:
      return "clock-read";
    case SwitchKind::kTimerArm:
      return "timer-arm";
    case SwitchKind::kTimerCancel:
      return "timer-cancel";
    case SwitchKind::kSocket:
      return "socket";
    case SwitchKind::kFile:
      return "file";
    case SwitchKind::kYield:
      return "yield";
  }
  return "unknown";
}

}  // namespace liminal::sim
