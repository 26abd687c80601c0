// Named points inside seam calls where a deterministic runtime may hand control to
// someone else. The manual runtime exposes them to tests through a hook so a test can
// force one exact interleaving; the simulation switches fibers at the same points.
#ifndef LIMINAL_CORE_TESTING_SWITCH_POINT_H_
#define LIMINAL_CORE_TESTING_SWITCH_POINT_H_

#include "core/runtime/pid.h"

namespace liminal::testing {

enum class SwitchPointKind { kLock, kUnlock, kSend, kSpawn, kIsAlive, kKill };

struct SwitchPoint {
  SwitchPointKind kind;
  runtime::Pid pid = runtime::kNoPid;  // target of Send/IsAlive/Kill, new pid for Spawn
  int locks_held = 0;  // runtime mutexes held at this point (0: anyone may run here)
};

const char* SwitchPointKindName(SwitchPointKind kind);

}  // namespace liminal::testing

#endif  // LIMINAL_CORE_TESTING_SWITCH_POINT_H_
