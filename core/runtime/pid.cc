#include "core/runtime/pid.h"

namespace liminal::runtime {

const char* ExitKindName(ExitKind kind) {
  switch (kind) {
    case ExitKind::kNormal:
      return "normal";
    case ExitKind::kError:
      return "error";
    case ExitKind::kKilled:
      return "killed";
    case ExitKind::kNoProc:
      return "noproc";
  }
  return "unknown";
}

}  // namespace liminal::runtime
