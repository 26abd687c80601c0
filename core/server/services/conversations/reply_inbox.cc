#include "core/server/services/conversations/reply_inbox.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::server::services {
namespace {

std::string DescribeExit(const runtime::ExitReason& reason) {
  switch (reason.kind) {
    case runtime::ExitKind::kNormal:
      return "the participant exited";
    case runtime::ExitKind::kError:
      return absl::StrCat("the participant failed: ", reason.detail);
    case runtime::ExitKind::kKilled:
      return absl::StrCat("the participant was killed: ", reason.detail);
    case runtime::ExitKind::kNoProc:
      return "the participant was not running";
  }
  return "the participant stopped";
}

}  // namespace

using runtime::MutexLock;

ReplyInbox::ReplyInbox(std::unique_ptr<runtime::Mutex> mu, runtime::Scheduler& scheduler,
                       runtime::Clock& clock, absl::Duration reply_timeout,
                       bool fault_reply_to_newest)
    : mu_(std::move(mu)),
      scheduler_(scheduler),
      clock_(clock),
      reply_timeout_(reply_timeout),
      fault_reply_to_newest_(fault_reply_to_newest) {}

void ReplyInbox::SetOwner(runtime::Pid owner) {
  MutexLock lock(*mu_);
  owner_ = owner;
}

void ReplyInbox::OpenConversation(uint64_t instance) {
  MutexLock lock(*mu_);
  if (!shut_down_) instances_.try_emplace(instance);
}

uint64_t ReplyInbox::BeginRequest(uint64_t instance, uint64_t conversation_id, uint32_t stream_id) {
  uint64_t request = 0;
  runtime::Pid wake = runtime::kNoPid;
  bool waiting = false;
  {
    MutexLock lock(*mu_);
    request = next_request_++;
    auto state = instances_.find(instance);
    if (shut_down_ || state == instances_.end()) return request;  // will never wait
    if (state->second.crash.has_value()) {
      // The participant died after the caller last looked: fail the request at once.
      wake = PostLocked({ConversationOutcome::Kind::kCrashed, instance, conversation_id, stream_id,
                         *state->second.crash});
    } else {
      pending_.emplace(request, Pending{instance, conversation_id, stream_id, 0});
      waiting = true;
    }
  }
  if (wake != runtime::kNoPid) WakeOwner(wake);
  if (!waiting) return request;
  // Armed outside the lock; the timer may even fire before it is recorded below.
  std::weak_ptr<ReplyInbox> weak = weak_from_this();
  const runtime::TimerId timer = clock_.RunAfter(reply_timeout_, [weak, request] {
    if (std::shared_ptr<ReplyInbox> inbox = weak.lock()) inbox->Expire(request);
  });
  bool still_pending = false;
  {
    MutexLock lock(*mu_);
    auto it = pending_.find(request);
    if (it != pending_.end()) {
      it->second.timer = timer;
      still_pending = true;
    }
  }
  if (!still_pending) clock_.Cancel(timer);
  return request;
}

std::optional<std::string> ReplyInbox::CrashDetail(uint64_t instance) const {
  MutexLock lock(*mu_);
  auto it = instances_.find(instance);
  if (it == instances_.end()) return std::nullopt;
  return it->second.crash;
}

void ReplyInbox::CloseConversation(uint64_t instance, bool drop_queued) {
  std::vector<runtime::TimerId> timers;
  {
    MutexLock lock(*mu_);
    instances_.erase(instance);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.instance != instance) {
        ++it;
        continue;
      }
      if (it->second.timer != 0) timers.push_back(it->second.timer);
      it = pending_.erase(it);
    }
    if (drop_queued) {
      outcomes_.erase(std::remove_if(outcomes_.begin(), outcomes_.end(),
                                     [&](const ConversationOutcome& outcome) {
                                       return outcome.instance == instance;
                                     }),
                      outcomes_.end());
    }
  }
  CancelTimers(timers);
}

void ReplyInbox::TakeOutcomes(std::deque<ConversationOutcome>& out) {
  MutexLock lock(*mu_);
  for (ConversationOutcome& outcome : outcomes_) out.push_back(std::move(outcome));
  outcomes_.clear();
  armed_ = true;
}

void ReplyInbox::Shutdown() {
  std::vector<runtime::TimerId> timers;
  {
    MutexLock lock(*mu_);
    shut_down_ = true;
    for (const auto& [request, pending] : pending_) {
      if (pending.timer != 0) timers.push_back(pending.timer);
    }
    pending_.clear();
    instances_.clear();
    outcomes_.clear();
  }
  CancelTimers(timers);
}

bool ReplyInbox::Complete(uint64_t request, std::string payload) {
  runtime::TimerId timer = 0;
  runtime::Pid wake = runtime::kNoPid;
  {
    MutexLock lock(*mu_);
    auto it = pending_.find(request);
    if (it == pending_.end()) return false;
    if (fault_reply_to_newest_) it = std::prev(pending_.end());  // planted bug (fault_hooks.h)
    const Pending pending = it->second;
    pending_.erase(it);
    timer = pending.timer;
    wake = PostLocked({ConversationOutcome::Kind::kReply, pending.instance, pending.conversation_id,
                       pending.stream_id, std::move(payload)});
  }
  if (timer != 0) clock_.Cancel(timer);
  if (wake != runtime::kNoPid) WakeOwner(wake);
  return true;
}

void ReplyInbox::Expire(uint64_t request) {
  runtime::Pid wake = runtime::kNoPid;
  {
    MutexLock lock(*mu_);
    auto it = pending_.find(request);
    if (it == pending_.end()) return;
    const Pending pending = it->second;
    pending_.erase(it);
    wake = PostLocked({ConversationOutcome::Kind::kTimeout, pending.instance,
                       pending.conversation_id, pending.stream_id, ""});
  }
  if (wake != runtime::kNoPid) WakeOwner(wake);
}

void ReplyInbox::ParticipantExited(uint64_t instance, const runtime::ExitReason& reason) {
  std::vector<runtime::TimerId> timers;
  runtime::Pid wake = runtime::kNoPid;
  {
    MutexLock lock(*mu_);
    auto state = instances_.find(instance);
    if (state == instances_.end() || state->second.crash.has_value()) return;
    const std::string detail = DescribeExit(reason);
    state->second.crash = detail;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.instance != instance) {
        ++it;
        continue;
      }
      if (it->second.timer != 0) timers.push_back(it->second.timer);
      const runtime::Pid to_wake =
          PostLocked({ConversationOutcome::Kind::kCrashed, instance, it->second.conversation_id,
                      it->second.stream_id, detail});
      if (to_wake != runtime::kNoPid) wake = to_wake;
      it = pending_.erase(it);
    }
  }
  CancelTimers(timers);
  if (wake != runtime::kNoPid) WakeOwner(wake);
}

size_t ReplyInbox::PendingRequestsOf(uint64_t instance) const {
  MutexLock lock(*mu_);
  size_t count = 0;
  for (const auto& [request, pending] : pending_) count += pending.instance == instance ? 1 : 0;
  return count;
}

size_t ReplyInbox::pending_requests() const {
  MutexLock lock(*mu_);
  return pending_.size();
}

runtime::Pid ReplyInbox::PostLocked(ConversationOutcome outcome) {
  if (shut_down_) return runtime::kNoPid;
  outcomes_.push_back(std::move(outcome));
  if (!armed_ || owner_ == runtime::kNoPid) return runtime::kNoPid;
  armed_ = false;
  return owner_;
}

void ReplyInbox::WakeOwner(runtime::Pid owner) {
  if (scheduler_.Send(owner, runtime::Wake{})) return;
  MutexLock lock(*mu_);
  if (!shut_down_) armed_ = true;  // let the next outcome try again
}

void ReplyInbox::CancelTimers(const std::vector<runtime::TimerId>& timers) {
  for (runtime::TimerId timer : timers) clock_.Cancel(timer);
}

}  // namespace liminal::server::services
