#include "sim/harness/invariant_observer.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

void InvariantObserver::Fail(Violation violation) {
  FiberKernel& kernel = runtime_.kernel();
  kernel.trace().Add(TraceKind::kNote, 0, 0, 0,
                     absl::StrCat("VIOLATION ", violation.invariant, ": ", violation.detail));
  violation_ = std::move(violation);
  kernel.RequestStop();
}

void InvariantObserver::Check(bool quiescent) {
  if (violation_.has_value()) return;
  const std::vector<TimedEvent>& events = events_.events();
  for (; next_event_ < events.size(); ++next_event_) {
    const server::SupervisorEvent& event = events[next_event_].event;
    if (history_ != nullptr && event.kind == server::SupervisorEventKind::kReleased) {
      for (uint32_t client = 0; client < conns_->size(); ++client) {
        if (conns_->PidOf(client) == event.pid) history_->ConnectionReleased(client);
      }
    }
    if (std::optional<Violation> v = suite_.OnEvent(events[next_event_])) {
      ++next_event_;
      Fail(std::move(*v));
      return;
    }
  }
  if (services_ != nullptr && !services_->violations().empty()) {
    Fail({"session-release-once", services_->violations().front()});
    return;
  }
  for (const auto& client : clients_) {
    if (client->wire_violation().has_value()) {
      Fail({"client-wire", *client->wire_violation()});
      return;
    }
  }
  if (history_ != nullptr && history_->violation().has_value()) {
    Fail(*history_->violation());
    return;
  }
  FiberKernel& kernel = runtime_.kernel();
  if (kernel.locks_held() > 0) return;  // no consistent view between two steps of a lock
  const uint64_t version = events.size() + runtime_.scheduler().version();
  if (!quiescent && version == checked_version_) return;  // nothing changed since the last
  checked_version_ = version;
  const server::SupervisorSnapshot snapshot = supervisor_.Snapshot();
  const std::vector<runtime::Pid> live = runtime_.scheduler().LivePidsNamed("connection");
  kernel.trace().Add(TraceKind::kCheck, snapshot.records.size(), snapshot.pending_slots.size(),
                     quiescent ? 1 : 0);
  std::vector<InboundBacklog> inbound;
  for (const SimNetwork::ServerInbox& inbox : network_.ServerInboxes()) {
    inbound.push_back(InboundBacklog{inbox.conn, inbox.owner, inbox.unconsumed, inbox.last_read});
  }
  if (std::optional<Violation> v =
          suite_.OnState(WorldView{kernel.Now(), snapshot, live, quiescent, inbound,
                                   max_inbox_bytes_, &runtime_.scheduler().lost_exit_notices()})) {
    Fail(std::move(*v));
  }
}

}  // namespace liminal::sim
