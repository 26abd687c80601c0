#include "sim/invariants/reply_slot_accounting.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace liminal::sim {

using server::SupervisorEventKind;

std::optional<std::string> ReplySlotAccounting::OnEvent(const TimedEvent& timed) {
  const server::SupervisorEvent& e = timed.event;
  switch (e.kind) {
    case SupervisorEventKind::kSlotRegistered: {
      auto [it, inserted] = slots_.try_emplace(e.id, Slot{e.pid, nullptr, 0});
      if (!inserted) return absl::StrCat("slot ", e.id, " was registered twice");
      return std::nullopt;
    }
    case SupervisorEventKind::kSlotReplied:
    case SupervisorEventKind::kSlotCancelled:
    case SupervisorEventKind::kSlotTimedOut: {
      const char* what = server::SupervisorEventKindName(e.kind);
      auto it = slots_.find(e.id);
      if (it == slots_.end())
        return absl::StrCat("slot ", e.id, " ", what, " but was never registered");
      if (it->second.ended != nullptr) {
        return absl::StrCat("slot ", e.id, " of pid ", it->second.owner,
                            " ended twice: ", it->second.ended, ", then ", what);
      }
      if (it->second.owner != e.pid && e.kind == SupervisorEventKind::kSlotReplied) {
        return absl::StrCat("slot ", e.id, " of pid ", it->second.owner,
                            " was resolved by a PushReply that arrived on pid ", e.pid,
                            "'s connection");
      }
      if (it->second.owner != e.pid) {
        return absl::StrCat("slot ", e.id, " owned by pid ", it->second.owner, " was ", what,
                            " as if owned by pid ", e.pid);
      }
      it->second.ended = what;
      return std::nullopt;
    }
    case SupervisorEventKind::kAwaiterReply:
    case SupervisorEventKind::kAwaiterTimeout:
    case SupervisorEventKind::kAwaiterDisconnected: {
      if (e.id == 0) return std::nullopt;  // an awaiter that was closed from the start
      auto it = slots_.find(e.id);
      if (it == slots_.end()) return absl::StrCat("awaiter of unknown slot ", e.id, " ended");
      if (++it->second.awaiter_ends > 1)
        return absl::StrCat("the awaiter of slot ", e.id, " ended twice");
      if (e.kind == SupervisorEventKind::kAwaiterReply &&
          (it->second.ended == nullptr ||
           std::string_view(it->second.ended) !=
               server::SupervisorEventKindName(SupervisorEventKind::kSlotReplied))) {
        return absl::StrCat("the awaiter of slot ", e.id, " got a reply the slot never received");
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::string> ReplySlotAccounting::OnState(const WorldView& view) {
  const server::SupervisorSnapshot& s = view.snapshot;
  for (const auto& [id, owner] : s.pending_slots) {
    auto it = slots_.find(id);
    if (it == slots_.end() || it->second.ended != nullptr) {
      return absl::StrCat("slot ", id, " is pending in the registry but its events say ",
                          it == slots_.end() ? "it was never registered" : it->second.ended);
    }
    auto record = std::find_if(s.records.begin(), s.records.end(),
                               [owner_pid = owner](const auto& r) { return r.pid == owner_pid; });
    if (record == s.records.end()) {
      return absl::StrCat("slot ", id, " is pending but its owner pid ", owner,
                          " has no record: nothing will ever resolve or cancel it");
    }
    const bool notice_lost =
        view.lost_exit_notices != nullptr &&
        std::find(view.lost_exit_notices->begin(), view.lost_exit_notices->end(), owner) !=
            view.lost_exit_notices->end();
    if (view.quiescent && !notice_lost) {  // an orphan's slots wait for the reap
      if (record->released) {
        return absl::StrCat("slot ", id, " is pending at quiescence but pid ", owner,
                            " was released");
      }
      if (!std::binary_search(view.live_pids.begin(), view.live_pids.end(), owner)) {
        return absl::StrCat("slot ", id, " is pending at quiescence but pid ", owner, " is dead");
      }
    }
  }
  size_t pending = 0;
  for (const auto& [id, slot] : slots_) {
    if (slot.ended == nullptr) ++pending;
  }
  if (pending != s.pending_slots.size()) {
    return absl::StrCat("the events leave ", pending, " slots pending but the registry holds ",
                        s.pending_slots.size());
  }
  return std::nullopt;
}

std::optional<std::string> ReplySlotAccounting::AtEnd(const EndOfRun& end) {
  (void)end;
  for (const auto& [id, slot] : slots_) {
    if (slot.ended == nullptr) {
      return absl::StrCat("slot ", id, " of pid ", slot.owner,
                          " was never resolved, cancelled or timed out");
    }
  }
  return std::nullopt;
}

}  // namespace liminal::sim
