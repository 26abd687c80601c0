#include "sim/services/sim_notifier.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace liminal::sim {

absl::Status SimNotifier::OnWorkerRegistered(runtime::Pid pid,
                                             const protocol::WorkerRegister& registration) {
  kernel_.SwitchPoint(SwitchKind::kYield, pid);
  if (absl::StartsWith(registration.task_queue, "reject")) {
    kernel_.trace().Add(TraceKind::kNote, pid, 0, 0,
                        absl::StrCat("notifier rejected registration of pid ", pid));
    calls_.push_back({NotifierCall::Kind::kRejected, pid});
    return absl::PermissionDeniedError(
        absl::StrCat("task queue '", registration.task_queue, "' is not served here"));
  }
  kernel_.trace().Add(TraceKind::kNote, pid, 0, 0,
                      absl::StrCat("notifier accepted registration of pid ", pid));
  calls_.push_back({NotifierCall::Kind::kAccepted, pid});
  return absl::OkStatus();
}

void SimNotifier::OnWorkerUnregistered(runtime::Pid pid) {
  kernel_.SwitchPoint(SwitchKind::kYield, pid);
  calls_.push_back({NotifierCall::Kind::kUnregistered, pid});
  kernel_.trace().Add(TraceKind::kNote, pid, 0, 0,
                      absl::StrCat("notifier saw unregister of pid ", pid));
}

}  // namespace liminal::sim
