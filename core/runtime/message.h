// The messages a runtime delivers to a process's mailbox. Socket events arrive as messages
// (the Socket seam is event-driven), a Wake asks the process to look at its control queue,
// and a Task runs arbitrary code inside the process's next slice.
#ifndef LIMINAL_CORE_RUNTIME_MESSAGE_H_
#define LIMINAL_CORE_RUNTIME_MESSAGE_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"

namespace liminal::runtime {

// Bytes read from the process's socket, in order.
struct SocketData {
  std::string bytes;
};

// The socket is closed for reading: OK status for an orderly peer close (EOF), an error for
// a reset or read failure. No SocketData follows.
struct SocketClosed {
  absl::Status reason;
};

// The socket's outbound queue fell to or below its low-water mark (see Socket::Write).
struct SocketDrained {
  size_t queued_bytes = 0;
};

// "Your control queue (or other shared inbox) may have work." Carries no data by design:
// the data lives in shared state so that a failed wake can be rolled back exactly.
struct Wake {};

// A timer the process armed fired; `tag` is whatever the process passed when arming it.
struct TimerFired {
  uint64_t tag = 0;
};

// Code to run inside the process's slice (serialized with its other messages).
struct Task {
  absl::AnyInvocable<void() &&> run;
};

using Message = std::variant<SocketData, SocketClosed, SocketDrained, Wake, TimerFired, Task>;

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_MESSAGE_H_
