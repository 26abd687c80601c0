// Controls: requests from outside a connection's process (the supervisor, the application,
// the shutdown coordinator) that the process must act on in its own slice. They sit in the
// connection's ControlQueue and the process is woken to drain them.
#ifndef LIMINAL_CORE_SERVER_CONTROL_H_
#define LIMINAL_CORE_SERVER_CONTROL_H_

#include <cstdint>
#include <string>
#include <variant>

namespace liminal::server {

using ControlId = uint64_t;

// Send Disconnect once. The reference sends it only to connections holding subscriptions;
// the daemon's drain sets `every_connection` (server-behaviour.md §6).
struct NotifyShutdownControl {
  bool every_connection = false;
};

// Send Disconnect unless one was already sent, close, and finish normally.
struct ForceCloseControl {};

// Write Push(correlation_id, payload) on stream 1.
struct PushControl {
  uint64_t correlation_id = 0;
  std::string payload;
};

using Control = std::variant<NotifyShutdownControl, ForceCloseControl, PushControl>;

const char* ControlName(const Control& control);

// What happened to a control after enqueue + wake.
enum class ControlOutcome {
  kDelivered,   // the process was woken, or had already drained it
  kRolledBack,  // the wake failed and the control was removed again, untouched
  kRefused,     // the connection is already released; nothing was enqueued
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONTROL_H_
