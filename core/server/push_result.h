// How a server-initiated push ended, as seen by the application (awaiter or callback).
#ifndef LIMINAL_CORE_SERVER_PUSH_RESULT_H_
#define LIMINAL_CORE_SERVER_PUSH_RESULT_H_

#include <string>

#include "absl/functional/any_invocable.h"

namespace liminal::server {

enum class PushOutcome {
  kReply,         // the connection answered; `reply` holds the PushReply payload
  kTimeout,       // no answer in time, and the connection is still alive
  kDisconnected,  // the connection closed (any route) before answering
};
const char* PushOutcomeName(PushOutcome outcome);

struct PushResult {
  PushOutcome outcome = PushOutcome::kDisconnected;
  std::string reply;  // set for kReply
};

// Completion of an asynchronous push; runs once, outside every supervisor lock.
using PushCallback = absl::AnyInvocable<void(PushResult) &&>;

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_PUSH_RESULT_H_
