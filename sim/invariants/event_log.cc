#include "sim/invariants/event_log.h"

namespace liminal::sim {

void EventLog::Record(const server::SupervisorEvent& event) {
  events_.push_back({event, kernel_.Now()});
  kernel_.trace().Add(TraceKind::kEvent, static_cast<uint64_t>(event.kind), event.pid, event.id);
}

}  // namespace liminal::sim
