// The application's side of one server-initiated push.
//
//   absl::StatusOr<PushReplyAwaiter> awaiter = supervisor.PushToConnection(pid, "job-1");
//   if (!awaiter.ok()) { /* the wake failed and the push was rolled back */ }
//   PushResult r = awaiter->Receive(absl::Seconds(5));
//   switch (r.outcome) {
//     case PushOutcome::kReply: use(r.reply); break;
//     case PushOutcome::kTimeout: break;        // no answer; the connection is still alive
//     case PushOutcome::kDisconnected: break;   // the connection closed (any route), promptly
//   }
//
// Receive may be called once; it blocks the calling thread (a fiber in simulation), so never
// call it from a process slice, a posted task or a timer callback — use
// ConnectionSupervisor::PushToConnectionAsync there. The awaiter must not outlive the
// supervisor. Dropping it unreceived abandons the slot.
#ifndef LIMINAL_CORE_SERVER_PUSH_REPLY_AWAITER_H_
#define LIMINAL_CORE_SERVER_PUSH_REPLY_AWAITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "core/runtime/pid.h"
#include "core/server/push_registry.h"
#include "core/server/push_result.h"

namespace liminal::server {

class PushCorrelator;

class PushReplyAwaiter {
 public:
  PushReplyAwaiter(PushCorrelator& pushes, std::shared_ptr<ReplySlot> slot)
      : pushes_(&pushes), slot_(std::move(slot)) {}
  PushReplyAwaiter(PushReplyAwaiter&& other) noexcept
      : pushes_(other.pushes_), slot_(std::move(other.slot_)) {}
  PushReplyAwaiter& operator=(PushReplyAwaiter&& other) noexcept;
  PushReplyAwaiter(const PushReplyAwaiter&) = delete;
  PushReplyAwaiter& operator=(const PushReplyAwaiter&) = delete;
  ~PushReplyAwaiter();

  uint64_t correlation_id() const { return slot_ ? slot_->correlation_id : 0; }
  runtime::Pid pid() const { return slot_ ? slot_->owner : runtime::kNoPid; }

  PushResult Receive(absl::Duration timeout);

 private:
  PushCorrelator* pushes_;
  std::shared_ptr<ReplySlot> slot_;  // null once received or moved from
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_PUSH_REPLY_AWAITER_H_
