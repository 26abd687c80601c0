#include "core/server/push_result.h"

namespace liminal::server {

const char* PushOutcomeName(PushOutcome outcome) {
  switch (outcome) {
    case PushOutcome::kReply:
      return "reply";
    case PushOutcome::kTimeout:
      return "timeout";
    case PushOutcome::kDisconnected:
      return "disconnected";
  }
  return "unknown";
}

}  // namespace liminal::server
