#include "sim/invariants/nothing_left.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace liminal::sim {

std::optional<std::string> NothingLeft::AtEnd(const EndOfRun& end) {
  if (!end.live_processes.empty()) {
    return absl::StrCat("processes left behind after shutdown: ",
                        absl::StrJoin(end.live_processes, ", "));
  }
  if (!end.snapshot.records.empty()) {
    return absl::StrCat("records left behind after shutdown, first pid ",
                        end.snapshot.records.front().pid);
  }
  if (!end.stuck_fibers.empty()) {
    return absl::StrCat("fibers blocked forever: ", absl::StrJoin(end.stuck_fibers, "; "));
  }
  if (!end.unreleased_sessions.empty()) {
    return absl::StrCat("sessions never released: ", absl::StrJoin(end.unreleased_sessions, ", "));
  }
  if (!end.clients_still_connected.empty()) {
    return absl::StrCat("clients whose connection never ended: ",
                        absl::StrJoin(end.clients_still_connected, ", "));
  }
  return std::nullopt;
}

}  // namespace liminal::sim
