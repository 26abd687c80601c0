#include "sim/invariants/drain_bound.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

std::optional<std::string> DrainBound::AtEnd(const EndOfRun& end) {
  const DrainReport& d = end.drain;
  if (!d.started) return "the graceful shutdown never started";
  if (!d.finished) return "the graceful shutdown never finished";
  if (d.drain_returned_at - d.started_at > d.drain_timeout) {
    return absl::StrCat("the drain took ", absl::FormatDuration(d.drain_returned_at - d.started_at),
                        ", longer than drain_timeout ", absl::FormatDuration(d.drain_timeout));
  }
  if (!d.idle_after_force) {
    return absl::StrCat("connections were still tracked ", absl::FormatDuration(d.force_bound),
                        " after the force close");
  }
  if (!d.alive_after_finish.empty()) {
    return absl::StrCat(
        "the shutdown sequence finished (drained, force-closed, flushed) while "
        "connection process ",
        d.alive_after_finish.front(),
        " was still alive: the daemon would stop the scheduler under it");
  }
  if (!d.spawned_after_finish.empty()) {
    return absl::StrCat("connection process ", d.spawned_after_finish.front(),
                        " was spawned after the shutdown sequence had finished");
  }
  if (!d.flush_ok && !d.flush_error_typed) {
    return "a failed durable flush was not reported as a ShutdownFlushError";
  }
  return std::nullopt;
}

}  // namespace liminal::sim
