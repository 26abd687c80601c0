// What a blocked fiber waits for. Wake(fiber, channel) only resumes a fiber parked on that
// exact channel, so a wake meant for a mailbox never resumes a fiber waiting on a mutex.
#ifndef LIMINAL_SIM_KERNEL_WAIT_CHANNEL_H_
#define LIMINAL_SIM_KERNEL_WAIT_CHANNEL_H_

#include <cstdint>

namespace liminal::sim {

enum class WaitKind : uint8_t {
  kNone,
  kMutex,        // id = mutex id: waiting to acquire
  kCondition,    // id = mutex id: AwaitWithTimeout waiting for a re-check or its timeout
  kMailbox,      // id = pid
  kSleep,        // id = timer id
  kSocketRead,   // id = connection id (a simulated client reading)
  kAccept,       // id = listener id
  kCheckFailed,  // a failed LIMINAL_CHECK parks its fiber for good (never woken)
};

const char* WaitKindName(WaitKind kind);

struct WaitChannel {
  WaitKind kind = WaitKind::kNone;
  uint64_t id = 0;
  friend bool operator==(const WaitChannel&, const WaitChannel&) = default;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_KERNEL_WAIT_CHANNEL_H_
