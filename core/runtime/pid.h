// Process identifiers and exit reasons for the lightweight processes of the Scheduler seam.
#ifndef LIMINAL_CORE_RUNTIME_PID_H_
#define LIMINAL_CORE_RUNTIME_PID_H_

#include <cstdint>
#include <string>

namespace liminal::runtime {

// Pids are allocated by the runtime, start at 1 and are never reused. 0 means "no process".
using Pid = uint64_t;
inline constexpr Pid kNoPid = 0;

enum class ExitKind {
  kNormal,  // the process finished on its own
  kError,   // the process stopped because of an error it detected
  kKilled,  // the process was killed from outside (crash injection, force stop)
  kNoProc,  // reported to monitors installed on a pid that was already gone
};

struct ExitReason {
  ExitKind kind = ExitKind::kNormal;
  std::string detail;

  static ExitReason Normal() { return {ExitKind::kNormal, ""}; }
  static ExitReason Error(std::string detail) { return {ExitKind::kError, std::move(detail)}; }
  static ExitReason Killed(std::string detail) { return {ExitKind::kKilled, std::move(detail)}; }
};

const char* ExitKindName(ExitKind kind);

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_PID_H_
