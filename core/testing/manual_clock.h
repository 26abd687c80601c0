// A clock that only moves when told to (like Seastar's manual_clock). Due timers are not
// run inline: they are handed to `on_due`, which the manual runtime turns into tasks.
#ifndef LIMINAL_CORE_TESTING_MANUAL_CLOCK_H_
#define LIMINAL_CORE_TESTING_MANUAL_CLOCK_H_

#include <optional>
#include <utility>

#include "absl/container/btree_map.h"
#include "core/runtime/clock.h"

namespace liminal::testing {

class ManualClock final : public runtime::Clock {
 public:
  using DueCallback = absl::AnyInvocable<void(absl::AnyInvocable<void() &&>)>;
  explicit ManualClock(DueCallback on_due) : on_due_(std::move(on_due)) {}

  absl::Time Now() const override { return now_; }
  absl::Time WallNow() const override { return now_; }
  runtime::TimerId RunAfter(absl::Duration delay, absl::AnyInvocable<void() &&> callback) override;
  bool Cancel(runtime::TimerId timer) override;

  // Moves time forward to `when` (never backwards), handing every timer due by then to
  // on_due in (deadline, id) order.
  void AdvanceTo(absl::Time when);
  void Advance(absl::Duration by) { AdvanceTo(now_ + by); }
  std::optional<absl::Time> NextDeadline() const;
  size_t pending_timers() const { return timers_.size(); }

 private:
  DueCallback on_due_;
  absl::Time now_ = absl::UnixEpoch();
  runtime::TimerId next_id_ = 1;
  absl::btree_map<std::pair<absl::Time, runtime::TimerId>, absl::AnyInvocable<void() &&>> timers_;
  absl::btree_map<runtime::TimerId, absl::Time> deadlines_;
};

}  // namespace liminal::testing

#endif  // LIMINAL_CORE_TESTING_MANUAL_CLOCK_H_
