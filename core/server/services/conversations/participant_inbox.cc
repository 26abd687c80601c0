#include "core/server/services/conversations/participant_inbox.h"

#include <utility>

namespace liminal::server::services {

using runtime::MutexLock;

bool ParticipantInbox::Push(ParticipantRequest request) {
  MutexLock lock(*mu_);
  if (stop_) return false;
  requests_.push_back(std::move(request));
  if (!armed_) return false;
  armed_ = false;
  return true;
}

bool ParticipantInbox::Stop() {
  MutexLock lock(*mu_);
  if (stop_) return false;
  stop_ = true;
  requests_.clear();
  if (!armed_) return false;
  armed_ = false;
  return true;
}

void ParticipantInbox::Rearm() {
  MutexLock lock(*mu_);
  armed_ = true;
}

bool ParticipantInbox::Drain(std::deque<ParticipantRequest>& out) {
  MutexLock lock(*mu_);
  for (ParticipantRequest& request : requests_) out.push_back(std::move(request));
  requests_.clear();
  armed_ = true;
  return stop_;
}

}  // namespace liminal::server::services
