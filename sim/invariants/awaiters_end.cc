#include "sim/invariants/awaiters_end.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace liminal::sim {

std::optional<std::string> AwaitersEnd::OnEvent(const TimedEvent& timed) {
  if (timed.event.kind == server::SupervisorEventKind::kReleased) {
    released_at_.try_emplace(timed.event.pid, timed.time);
  }
  return std::nullopt;
}

std::optional<std::string> AwaitersEnd::AtEnd(const EndOfRun& end) {
  for (const PushReport& push : end.pushes) {
    if (!push.called) continue;
    if (push.completions > 1) {
      return absl::StrCat("the completion callback of app action ", push.action,
                          " (async push to pid ", push.pid, ", slot ", push.correlation_id,
                          ") ran ", push.completions, " times");
    }
    if (push.unavailable && push.completions > 0) {
      return absl::StrCat("the async push of app action ", push.action,
                          " was rolled back (Unavailable), yet its callback ran");
    }
    if (!push.returned) {
      return absl::StrCat("the awaiter of app action ", push.action, " (push to pid ", push.pid,
                          ", slot ", push.correlation_id, ") never returned");
    }
    if (!push.outcome.has_value() || *push.outcome != server::PushOutcome::kDisconnected) continue;
    auto released = released_at_.find(push.pid);
    if (released == released_at_.end()) continue;
    const absl::Time due = std::max(push.started, released->second);
    if (push.ended > due) {
      return absl::StrCat("the awaiter of app action ", push.action, " (slot ", push.correlation_id,
                          ") ended Disconnected ", absl::FormatDuration(push.ended - push.started),
                          " after the push, but pid ", push.pid, " had been released ",
                          absl::FormatDuration(due - push.started),
                          " after it: it waited out its timeout for a connection that was gone");
    }
  }
  return std::nullopt;
}

}  // namespace liminal::sim
