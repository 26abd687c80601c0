#include "core/testing/switch_point.h"

namespace liminal::testing {

const char* SwitchPointKindName(SwitchPointKind kind) {
  switch (kind) {
    case SwitchPointKind::kLock:
      return "lock";
    case SwitchPointKind::kUnlock:
      return "unlock";
    case SwitchPointKind::kSend:
      return "send";
    case SwitchPointKind::kSpawn:
      return "spawn";
    case SwitchPointKind::kIsAlive:
      return "is-alive";
    case SwitchPointKind::kKill:
      return "kill";
  }
  return "unknown";
}

}  // namespace liminal::testing
