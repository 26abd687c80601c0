#include "sim/invariants/release_once.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

using server::SupervisorEventKind;

std::optional<std::string> ReleaseOnce::OnEvent(const TimedEvent& timed) {
  const server::SupervisorEvent& e = timed.event;
  if (e.kind == SupervisorEventKind::kSpawned) {
    releases_.try_emplace(e.pid, 0);
  } else if (e.kind == SupervisorEventKind::kReleased) {
    if (++releases_[e.pid] > 1)
      return absl::StrCat("connection pid ", e.pid, " was released twice");
  }
  return std::nullopt;
}

std::optional<std::string> ReleaseOnce::AtEnd(const EndOfRun& end) {
  (void)end;
  for (const auto& [pid, count] : releases_) {
    if (count == 0) return absl::StrCat("connection pid ", pid, " was never released");
  }
  return std::nullopt;
}

}  // namespace liminal::sim
