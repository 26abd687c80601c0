#include "sim/invariants/control_accounting.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

using server::SupervisorEventKind;

std::optional<std::string> ControlAccounting::OnEvent(const TimedEvent& timed) {
  const server::SupervisorEvent& e = timed.event;
  switch (e.kind) {
    case SupervisorEventKind::kControlEnqueued: {
      Control& control = controls_[{e.pid, e.id}];
      if (control.enqueued)
        return absl::StrCat("control ", e.id, " of pid ", e.pid, " enqueued twice");
      control.enqueued = true;
      return std::nullopt;
    }
    case SupervisorEventKind::kControlConsumed:
    case SupervisorEventKind::kControlRolledBack:
    case SupervisorEventKind::kControlDiscarded: {
      const char* what = server::SupervisorEventKindName(e.kind);
      Control& control = controls_[{e.pid, e.id}];
      if (control.fate != nullptr) {
        return absl::StrCat("control ", e.id, " of pid ", e.pid, " was ", control.fate,
                            " and then ", what);
      }
      control.fate = what;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::string> ControlAccounting::Outstanding() const {
  for (const auto& [key, control] : controls_) {
    if (!control.enqueued) {
      return absl::StrCat("control ", key.second, " of pid ", key.first, " was ", control.fate,
                          " but never enqueued");
    }
    if (control.fate == nullptr) {
      return absl::StrCat("control ", key.second, " of pid ", key.first,
                          " is still queued with nothing left to run (never consumed, rolled "
                          "back or discarded)");
    }
  }
  return std::nullopt;
}

std::optional<std::string> ControlAccounting::OnState(const WorldView& view) {
  if (!view.quiescent) return std::nullopt;
  return Outstanding();
}

std::optional<std::string> ControlAccounting::AtEnd(const EndOfRun& end) {
  (void)end;
  return Outstanding();
}

}  // namespace liminal::sim
