#include "core/testing/manual_clock.h"

namespace liminal::testing {

runtime::TimerId ManualClock::RunAfter(absl::Duration delay,
                                       absl::AnyInvocable<void() &&> callback) {
  const runtime::TimerId id = next_id_++;
  const absl::Time deadline = now_ + (delay < absl::ZeroDuration() ? absl::ZeroDuration() : delay);
  timers_.emplace(std::make_pair(deadline, id), std::move(callback));
  deadlines_.emplace(id, deadline);
  return id;
}

bool ManualClock::Cancel(runtime::TimerId timer) {
  auto it = deadlines_.find(timer);
  if (it == deadlines_.end()) return false;
  timers_.erase(std::make_pair(it->second, timer));
  deadlines_.erase(it);
  return true;
}

void ManualClock::AdvanceTo(absl::Time when) {
  if (when > now_) now_ = when;
  while (!timers_.empty() && timers_.begin()->first.first <= now_) {
    auto node = timers_.extract(timers_.begin());
    deadlines_.erase(node.key().second);
    on_due_(std::move(node.mapped()));
  }
}

std::optional<absl::Time> ManualClock::NextDeadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.first;
}

}  // namespace liminal::testing
