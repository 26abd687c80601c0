// ParticipantInbox: the requests a connection hands to one conversation's participant
// process, and the request to stop. The connection pushes under the inbox's mutex and wakes
// the participant only when it was idle; the participant drains everything in one slice.
//
//   if (inbox->Push({payload, std::move(reply)})) {             // connection side
//     if (!scheduler.Send(participant, runtime::Wake{})) inbox->Rearm();
//   }
//   bool stop = inbox->Drain(requests);                          // participant side
//
// Thread-safe; the mutex is a leaf.
#ifndef LIMINAL_CORE_SERVER_SERVICES_PARTICIPANT_INBOX_H_
#define LIMINAL_CORE_SERVER_SERVICES_PARTICIPANT_INBOX_H_

#include <deque>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "core/runtime/mutex.h"
#include "core/server/services/conversations/reply_handle.h"

namespace liminal::server::services {

struct ParticipantRequest {
  std::string payload;
  ReplyHandle reply;
};

class ParticipantInbox {
 public:
  explicit ParticipantInbox(std::unique_ptr<runtime::Mutex> mu) : mu_(std::move(mu)) {}

  // Queues a request; true when the caller must wake the participant. Requests pushed after
  // Stop are dropped (their handles die unanswered).
  bool Push(ParticipantRequest request);
  // Asks the participant to exit normally; true when the caller must wake it.
  bool Stop();
  // A wake could not be delivered: the next Push asks again.
  void Rearm();

  // Participant side: moves every queued request to `out`; true once Stop was called.
  bool Drain(std::deque<ParticipantRequest>& out);

 private:
  std::unique_ptr<runtime::Mutex> mu_;
  std::deque<ParticipantRequest> requests_ ABSL_GUARDED_BY(*mu_);
  bool stop_ ABSL_GUARDED_BY(*mu_) = false;
  bool armed_ ABSL_GUARDED_BY(*mu_) = true;
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_PARTICIPANT_INBOX_H_
