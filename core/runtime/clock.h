// The Clock seam: a monotonic "now", calendar time, and one-shot timers. Production reads
// the steady and system clocks; the simulation and the manual test runtime advance virtual
// time by hand.
//
//   TimerId t = clock.RunAfter(absl::Seconds(5), [] { ... });   // runs outside processes
//   clock.Cancel(t);
//
// Timer callbacks run outside any process; to act inside one, Send it a message.
#ifndef LIMINAL_CORE_RUNTIME_CLOCK_H_
#define LIMINAL_CORE_RUNTIME_CLOCK_H_

#include <cstdint>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"

namespace liminal::runtime {

using TimerId = uint64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time. Only differences are meaningful.
  virtual absl::Time Now() const = 0;
  // Calendar time, for what must be compared across restarts (timestamps in durable logs,
  // retention by age). Not monotonic in production. Virtual runtimes return Now().
  virtual absl::Time WallNow() const = 0;
  virtual TimerId RunAfter(absl::Duration delay, absl::AnyInvocable<void() &&> callback) = 0;
  // True if the timer was pending and will no longer fire.
  virtual bool Cancel(TimerId timer) = 0;
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_CLOCK_H_
