#include "sim/invariants/shutdown_notice.h"

#include "absl/strings/str_cat.h"
#include "core/protocol/frame.h"

namespace liminal::sim {

using server::SupervisorEventKind;

std::optional<std::string> ShutdownNotice::OnEvent(const TimedEvent& timed) {
  const server::SupervisorEvent& e = timed.event;
  const size_t index = seen_++;
  if (e.kind == SupervisorEventKind::kFrameSent &&
      e.id == static_cast<uint64_t>(protocol::FrameType::kDisconnect)) {
    first_disconnect_.try_emplace(e.pid, index);
  } else if (e.kind == SupervisorEventKind::kSocketClosed) {
    socket_closed_.try_emplace(e.pid, index);
  }
  return std::nullopt;
}

std::optional<std::string> ShutdownNotice::AtEnd(const EndOfRun& end) {
  const DrainReport& drain = end.drain;
  if (!drain.started || !drain.notify_every_connection) return std::nullopt;
  for (runtime::Pid pid : drain.open_at_drain_end) {
    auto closed = socket_closed_.find(pid);
    if (closed != socket_closed_.end() && closed->second < drain.drain_end_event) continue;
    auto sent = first_disconnect_.find(pid);
    if (sent != first_disconnect_.end() && sent->second < drain.drain_end_event) continue;
    return absl::StrCat("connection pid ", pid,
                        " was open when the shutdown notified every connection and still open "
                        "when the drain ended, but was never sent its Disconnect during the "
                        "drain",
                        sent == first_disconnect_.end() ? "" : " (only by the force close)");
  }
  return std::nullopt;
}

}  // namespace liminal::sim
