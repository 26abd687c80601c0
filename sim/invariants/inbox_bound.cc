#include "sim/invariants/inbox_bound.h"

#include "absl/strings/str_cat.h"

namespace liminal::sim {

std::optional<std::string> InboxBound::OnState(const WorldView& view) {
  for (const InboundBacklog& inbox : view.inbound) {
    // Reading was allowed only while the backlog was within the bound, so the backlog can
    // exceed it by the latest read at most.
    if (inbox.unhandled_bytes > view.max_inbox_bytes + inbox.last_read) {
      return absl::StrCat("connection ", inbox.conn, " (pid ", inbox.owner, ") holds ",
                          inbox.unhandled_bytes, " bytes of unhandled input, over its bound of ",
                          view.max_inbox_bytes, " bytes plus one read (", inbox.last_read, ")");
    }
  }
  return std::nullopt;
}

}  // namespace liminal::sim
