#include "sim/invariants/records_match_processes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace liminal::sim {

std::optional<std::string> RecordsMatchProcesses::OnState(const WorldView& view) {
  if (!view.quiescent) return std::nullopt;
  auto live = [&](runtime::Pid pid) {
    return std::binary_search(view.live_pids.begin(), view.live_pids.end(), pid);
  };
  auto notice_lost = [&](runtime::Pid pid) {
    return view.lost_exit_notices != nullptr &&
           std::find(view.lost_exit_notices->begin(), view.lost_exit_notices->end(), pid) !=
               view.lost_exit_notices->end();
  };
  for (const auto& record : view.snapshot.records) {
    if (!live(record.pid) && notice_lost(record.pid)) continue;  // an orphan for the reap
    if (!live(record.pid)) {
      return absl::StrCat("record of pid ", record.pid,
                          " is still tracked but its process is gone (an orphan record)");
    }
    if (record.released) {
      return absl::StrCat("record of pid ", record.pid,
                          " is released but still tracked while its process lives");
    }
  }
  for (runtime::Pid pid : view.live_pids) {
    const bool tracked = std::any_of(view.snapshot.records.begin(), view.snapshot.records.end(),
                                     [&](const auto& record) { return record.pid == pid; });
    if (!tracked) return absl::StrCat("process ", pid, " is alive but has no record");
  }
  return std::nullopt;
}

}  // namespace liminal::sim
