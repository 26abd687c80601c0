#include "sim/runtime/sim_clock.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

absl::Time SimClock::Now() const {
  kernel_.SwitchPoint(SwitchKind::kClockRead);
  return kernel_.Now();
}

runtime::TimerId SimClock::RunAfter(absl::Duration delay, absl::AnyInvocable<void() &&> callback) {
  kernel_.SwitchPoint(SwitchKind::kTimerArm);
  const absl::Duration wait = delay < absl::ZeroDuration() ? absl::ZeroDuration() : delay;
  return kernel_.RunAt(kernel_.Now() + wait, "timer", std::move(callback));
}

bool SimClock::Cancel(runtime::TimerId timer) {
  kernel_.SwitchPoint(SwitchKind::kTimerCancel, timer);
  return kernel_.CancelTimer(timer);
}

}  // namespace liminal::sim
