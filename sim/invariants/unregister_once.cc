#include "sim/invariants/unregister_once.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

using server::SupervisorEventKind;

std::optional<std::string> UnregisterOnce::OnEvent(const TimedEvent& timed) {
  const server::SupervisorEvent& e = timed.event;
  switch (e.kind) {
    case SupervisorEventKind::kRegistrationStored:
      ++pids_[e.pid].stored;
      return std::nullopt;
    case SupervisorEventKind::kRegistrationRejected:
      ++pids_[e.pid].rejected;
      return std::nullopt;
    case SupervisorEventKind::kUnregisterFired: {
      Pid& p = pids_[e.pid];
      if (++p.unregistered > 1) return absl::StrCat("unregister fired twice for pid ", e.pid);
      if (p.stored == 0) {
        return absl::StrCat("unregister fired for pid ", e.pid,
                            ", which never stored a registration (", p.rejected, " rejected)");
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::string> UnregisterOnce::AtEnd(const EndOfRun& end) {
  for (const auto& [pid, p] : pids_) {
    if (p.stored > 0 && p.unregistered == 0) {
      return absl::StrCat("pid ", pid, " stored a registration but unregister never fired");
    }
    auto seen = end.notifier_unregisters.find(pid);
    const int notified = seen == end.notifier_unregisters.end() ? 0 : seen->second;
    if (notified != p.unregistered) {
      return absl::StrCat("the notifier saw ", notified, " unregisters for pid ", pid,
                          " but the supervisor reported ", p.unregistered);
    }
  }
  for (const auto& [pid, count] : end.notifier_unregisters) {
    if (!pids_.contains(pid)) {
      return absl::StrCat("the notifier saw an unregister for pid ", pid,
                          " that the supervisor never reported");
    }
  }
  return std::nullopt;
}

}  // namespace liminal::sim
