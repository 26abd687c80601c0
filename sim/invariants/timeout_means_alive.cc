#include "sim/invariants/timeout_means_alive.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

using server::SupervisorEventKind;

std::optional<std::string> TimeoutMeansAlive::OnEvent(const TimedEvent& timed) {
  const server::SupervisorEvent& e = timed.event;
  switch (e.kind) {
    case SupervisorEventKind::kReleased:
    case SupervisorEventKind::kRecordRemoved:
      ended_.try_emplace(e.pid, server::SupervisorEventKindName(e.kind));
      return std::nullopt;
    case SupervisorEventKind::kAwaiterTimeout: {
      auto it = ended_.find(e.pid);
      if (it == ended_.end()) return std::nullopt;
      return absl::StrCat("the push of slot ", e.id, " ended Timeout, but its connection pid ",
                          e.pid, " had already ended (", it->second,
                          "): the result must be Disconnected");
    }
    default:
      return std::nullopt;
  }
}

}  // namespace liminal::sim
