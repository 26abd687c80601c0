// ReplyInbox: one connection's inbox of conversation outcomes (server-behaviour.md §4).
// Participants (through ReplyHandle), reply timers and participant exit monitors run in
// other processes or outside any process; they post outcomes here, under the inbox's
// mutex, and wake the connection's process, which turns them into frames in its Pump.
// This is what keeps replies from ever blocking the connection.
//
// Connection side (its process):
//   inbox->OpenConversation(instance);
//   uint64_t request = inbox->BeginRequest(instance, conversation_id, stream_id);  // flagged
//   ReplyHandle handle(inbox, request);                     // handed to the participant
//   inbox->TakeOutcomes(outcomes);                          // in Pump
//   inbox->CloseConversation(instance, /*drop_queued=*/true);
//   inbox->Shutdown();                                      // release: nothing more, ever
// Other sides (any thread):
//   inbox->Complete(request, payload);                      // ReplyHandle::Send
//   inbox->Expire(request);                                 // the reply timer
//   inbox->ParticipantExited(instance, reason);             // the exit monitor
//
// Every flagged request ends exactly once: with its reply, with a timeout, or with the
// participant's crash. "Instance" numbers are per connection and never reused, so a late
// reply from a closed conversation can never land in a re-opened one with the same id.
// Thread-safe. Lock order: the inbox's mutex is a leaf (nothing is called while holding it).
#ifndef LIMINAL_CORE_SERVER_SERVICES_REPLY_INBOX_H_
#define LIMINAL_CORE_SERVER_SERVICES_REPLY_INBOX_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/time/time.h"
#include "core/runtime/clock.h"
#include "core/runtime/mutex.h"
#include "core/runtime/pid.h"
#include "core/runtime/scheduler.h"

namespace liminal::server::services {

struct ConversationOutcome {
  enum class Kind { kReply, kTimeout, kCrashed };
  Kind kind = Kind::kReply;
  uint64_t instance = 0;
  uint64_t conversation_id = 0;
  uint32_t stream_id = 0;  // the request's stream
  std::string text;        // kReply: the reply payload; kCrashed: what happened
};

class ReplyInbox : public std::enable_shared_from_this<ReplyInbox> {
 public:
  ReplyInbox(std::unique_ptr<runtime::Mutex> mu, runtime::Scheduler& scheduler,
             runtime::Clock& clock, absl::Duration reply_timeout,
             bool fault_reply_to_newest = false);  // FaultHooks::reply_to_newest_request
  ReplyInbox(const ReplyInbox&) = delete;
  ReplyInbox& operator=(const ReplyInbox&) = delete;

  // --- Connection side ---
  // The connection's pid, woken when an outcome arrives. Set before the first conversation.
  void SetOwner(runtime::Pid owner);
  void OpenConversation(uint64_t instance);
  // Registers a request that wants a reply and arms its timer; returns its request number
  // (> 0) for a ReplyHandle. If the instance's participant has already died, the request
  // fails with kCrashed at once instead.
  uint64_t BeginRequest(uint64_t instance, uint64_t conversation_id, uint32_t stream_id);
  // Why the instance's participant died, once it has; nullopt while it lives.
  std::optional<std::string> CrashDetail(uint64_t instance) const;
  // Forgets the conversation: its pending requests end silently (timers cancelled), later
  // exits of its participant are ignored, and with `drop_queued` its queued outcomes go too.
  void CloseConversation(uint64_t instance, bool drop_queued);
  // Appends every queued outcome to `out`, in arrival order, and re-arms the wake.
  void TakeOutcomes(std::deque<ConversationOutcome>& out);
  // The connection is released: drops everything, cancels every timer, never wakes again.
  void Shutdown();

  // --- Participant, timer and monitor side (any thread) ---
  // The reply to `request`. False if it no longer waits (timed out, closed, crashed, done).
  bool Complete(uint64_t request, std::string payload);
  void Expire(uint64_t request);
  // The participant of `instance` exited. Any exit the connection did not ask for (the
  // instance is still open) is a crash: every pending request of the instance fails with it
  // now, and the next message on the conversation is refused.
  void ParticipantExited(uint64_t instance, const runtime::ExitReason& reason);

  size_t pending_requests() const;
  // The pending requests of one conversation instance.
  size_t PendingRequestsOf(uint64_t instance) const;

 private:
  struct Pending {
    uint64_t instance = 0;
    uint64_t conversation_id = 0;
    uint32_t stream_id = 0;
    runtime::TimerId timer = 0;
  };
  struct Instance {
    std::optional<std::string> crash;
  };

  // Queues an outcome; returns the pid the caller must wake after unlocking (or kNoPid).
  runtime::Pid PostLocked(ConversationOutcome outcome) ABSL_EXCLUSIVE_LOCKS_REQUIRED(*mu_);
  // Sends the wake; on failure re-arms so the next outcome tries again.
  void WakeOwner(runtime::Pid owner);
  void CancelTimers(const std::vector<runtime::TimerId>& timers);

  std::unique_ptr<runtime::Mutex> mu_;
  runtime::Scheduler& scheduler_;
  runtime::Clock& clock_;
  const absl::Duration reply_timeout_;
  const bool fault_reply_to_newest_;

  runtime::Pid owner_ ABSL_GUARDED_BY(*mu_) = runtime::kNoPid;
  bool shut_down_ ABSL_GUARDED_BY(*mu_) = false;
  bool armed_ ABSL_GUARDED_BY(*mu_) = true;
  uint64_t next_request_ ABSL_GUARDED_BY(*mu_) = 1;
  absl::btree_map<uint64_t, Instance> instances_ ABSL_GUARDED_BY(*mu_);
  absl::btree_map<uint64_t, Pending> pending_ ABSL_GUARDED_BY(*mu_);
  std::deque<ConversationOutcome> outcomes_ ABSL_GUARDED_BY(*mu_);
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_REPLY_INBOX_H_
