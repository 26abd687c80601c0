#include "sim/invariants/disconnect_once.h"

#include "absl/strings/str_cat.h"
#include "core/protocol/frame_type.h"

namespace liminal::sim {

using server::SupervisorEventKind;

std::optional<std::string> DisconnectOnce::OnEvent(const TimedEvent& timed) {
  const server::SupervisorEvent& e = timed.event;
  if (e.kind == SupervisorEventKind::kSocketClosed) {
    conns_[e.pid].socket_closed = true;
    return std::nullopt;
  }
  if (e.kind != SupervisorEventKind::kFrameSent ||
      e.id != static_cast<uint64_t>(protocol::FrameType::kDisconnect)) {
    return std::nullopt;
  }
  Conn& c = conns_[e.pid];
  if (c.socket_closed)
    return absl::StrCat("pid ", e.pid, " sent Disconnect after closing its socket");
  if (++c.disconnects > 1) return absl::StrCat("pid ", e.pid, " sent a second Disconnect");
  return std::nullopt;
}

}  // namespace liminal::sim
