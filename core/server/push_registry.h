// The push-reply correlation registry: one one-shot reply slot per server-initiated Push,
// keyed by a server-allocated, monotonic correlation id and owned by the pid the push went
// to. A reply resolves a slot only when it comes from that pid.
//
// Not thread-safe by itself: ConnectionSupervisor guards it with its mutex.
#ifndef LIMINAL_CORE_SERVER_PUSH_REGISTRY_H_
#define LIMINAL_CORE_SERVER_PUSH_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/time/time.h"
#include "core/runtime/clock.h"
#include "core/runtime/pid.h"
#include "core/server/push_result.h"

namespace liminal::server {

enum class ReplySlotState { kPending, kReplied, kCancelled, kTimedOut };

struct ReplySlot {
  uint64_t correlation_id = 0;
  runtime::Pid owner = runtime::kNoPid;
  ReplySlotState state = ReplySlotState::kPending;
  absl::Time sent_at;  // when the push was registered, for latency
  std::string reply;
  // Set for asynchronous pushes (PushToConnectionAsync): the completion and its timer.
  PushCallback on_done;
  runtime::TimerId timer = 0;
};

class PushRegistry {
 public:
  // Allocates the next correlation id (1, 2, 3, ...) and a pending slot owned by `owner`.
  std::shared_ptr<ReplySlot> Register(runtime::Pid owner, absl::Time now = absl::Time());

  // Resolves the slot if it is pending and owned by `from`. False otherwise (unknown id,
  // already finished, or a reply from another connection).
  // On success returns the resolved slot.
  std::shared_ptr<ReplySlot> Resolve(runtime::Pid from, uint64_t correlation_id, std::string reply);

  // Ends a pending slot with `final_state` and forgets it; returns it, or null if it was
  // not pending.
  std::shared_ptr<ReplySlot> Finish(uint64_t correlation_id, ReplySlotState final_state);

  // Cancels every pending slot owned by `owner`; returns them in correlation-id order.
  std::vector<std::shared_ptr<ReplySlot>> CancelOwnedBy(runtime::Pid owner);

  // Pending slots as (correlation id, owner), in correlation-id order.
  std::vector<std::pair<uint64_t, runtime::Pid>> Pending() const;
  // The owner of a pending slot; kNoPid if none is pending under that id.
  runtime::Pid OwnerOf(uint64_t correlation_id) const;
  size_t pending_count() const { return pending_.size(); }
  // Pending slots owned by `owner`.
  size_t PendingOwnedBy(runtime::Pid owner) const {
    auto it = by_owner_.find(owner);
    return it == by_owner_.end() ? 0 : it->second.size();
  }

 private:
  uint64_t next_correlation_id_ = 1;
  absl::btree_map<uint64_t, std::shared_ptr<ReplySlot>> pending_;
  absl::btree_map<runtime::Pid, absl::btree_set<uint64_t>> by_owner_;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_PUSH_REGISTRY_H_
