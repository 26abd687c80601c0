// The SupervisorEventSink of a simulated run: every event the supervisor and its
// connection processes emit, stamped with virtual time, appended to the run's trace and
// kept in order for the invariant checkers (which consume it after every step).
//
//   EventLog events(kernel);
//   SupervisorOptions options{.events = &events};
//   for (const TimedEvent& e : events.events()) ...
#ifndef LIMINAL_SIM_INVARIANTS_EVENT_LOG_H_
#define LIMINAL_SIM_INVARIANTS_EVENT_LOG_H_

#include <vector>

#include "absl/time/time.h"
#include "core/server/supervisor_event.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {

struct TimedEvent {
  server::SupervisorEvent event;
  absl::Time time;
};

class EventLog final : public server::SupervisorEventSink {
 public:
  explicit EventLog(FiberKernel& kernel) : kernel_(kernel) {}

  void Record(const server::SupervisorEvent& event) override;

  const std::vector<TimedEvent>& events() const { return events_; }
  size_t size() const { return events_.size(); }

 private:
  FiberKernel& kernel_;
  std::vector<TimedEvent> events_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_EVENT_LOG_H_
