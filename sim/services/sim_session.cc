#include "sim/services/sim_session.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/protocol/reason_code.h"
#include "sim/services/sim_services.h"

namespace liminal::sim {

using protocol::Frame;
using protocol::MakeFrame;
using protocol::ReasonCode;

void SimSession::Enter(const char* call) {
  if (released_) {
    services_.NoteViolation(absl::StrCat("session ", id_, ": ", call, " after Release"));
  }
  ++in_call_;
}

void SimSession::Begin(const char* call, server::ConnectionOutput& out) {
  Enter(call);
  pid_ = out.pid();
}

void SimSession::OnSubscribe(const Frame& frame, protocol::Subscribe& subscribe,
                             server::ConnectionOutput& out) {
  Begin("OnSubscribe", out);
  HandleSubscribe(frame, subscribe, out);
  Leave();
}

void SimSession::OnUnsubscribe(const Frame&, protocol::Unsubscribe& unsubscribe,
                               server::ConnectionOutput& out) {
  Begin("OnUnsubscribe", out);
  {
    runtime::MutexLock lock(*services_.mu_);
    auto it = subscriptions_.find(unsubscribe.subscription_id);
    if (it != subscriptions_.end()) {  // unknown ids are ignored (no response frame)
      services_.subscribers_[it->second.channel].erase({id_, it->first});
      subscriptions_.erase(it);
    }
  }
  Leave();
}

void SimSession::OnPublish(const Frame& frame, protocol::Publish& publish,
                           server::ConnectionOutput& out) {
  Begin("OnPublish", out);
  HandlePublish(frame, publish, out);
  Leave();
}

void SimSession::OnConversationOpen(const Frame& frame, protocol::ConversationOpen& open,
                                    server::ConnectionOutput& out) {
  Begin("OnConversationOpen", out);
  if (conversations_.contains(open.conversation_id)) {
    out.Send(MakeFrame(protocol::ConversationError{open.conversation_id,
                                                   protocol::ToWire(ReasonCode::kConversationOpen),
                                                   "conversation already open"},
                       frame.stream_id));
  } else {
    conversations_[open.conversation_id] = Conversation{open.subject, frame.stream_id};
  }
  Leave();
}

void SimSession::OnConversationMessage(const Frame& frame, protocol::ConversationMessage& message,
                                       server::ConnectionOutput& out) {
  Begin("OnConversationMessage", out);
  HandleConversationMessage(frame, message, out);
  Leave();
}

void SimSession::OnConversationClose(const Frame& frame, protocol::ConversationClose& close,
                                     server::ConnectionOutput& out) {
  Begin("OnConversationClose", out);
  if (conversations_.erase(close.conversation_id) == 0) {
    out.Send(
        MakeFrame(protocol::ConversationError{close.conversation_id,
                                              protocol::ToWire(ReasonCode::kConversationUnknown),
                                              "no such conversation"},
                  frame.stream_id));
  }
  Leave();
}

// The double keeps no credit: acknowledgements are accepted and ignored.
void SimSession::OnAccept(const Frame&, protocol::Accept&, server::ConnectionOutput& out) {
  Begin("OnAccept", out);
  Leave();
}

void SimSession::OnDefer(const Frame&, protocol::Defer&, server::ConnectionOutput& out) {
  Begin("OnDefer", out);
  Leave();
}

void SimSession::OnReject(const Frame&, protocol::Reject&, server::ConnectionOutput& out) {
  Begin("OnReject", out);
  Leave();
}

void SimSession::HandleSubscribe(const Frame& frame, const protocol::Subscribe& subscribe,
                                 server::ConnectionOutput& out) {
  if (!SimServices::KnownChannel(subscribe.channel)) {
    out.Send(MakeFrame(
        protocol::SubscribeError{protocol::ToWire(ReasonCode::kUnknownChannel),
                                 absl::StrCat("unknown channel '", subscribe.channel, "'")},
        frame.stream_id));
    return;
  }
  uint64_t subscription = 0;
  {
    runtime::MutexLock lock(*services_.mu_);
    subscription = next_subscription_++;
    subscriptions_[subscription] = Subscription{subscribe.channel, frame.stream_id, 1};
    services_.subscribers_[subscribe.channel][{id_, subscription}] = true;
  }
  out.Send(MakeFrame(protocol::SubscribeAck{subscription, {}}, frame.stream_id));
}

void SimSession::HandlePublish(const Frame& frame, const protocol::Publish& publish,
                               server::ConnectionOutput& out) {
  if (!SimServices::KnownChannel(publish.channel)) {
    out.Send(
        MakeFrame(protocol::PublishError{protocol::ToWire(ReasonCode::kUnknownChannel),
                                         absl::StrCat("unknown channel '", publish.channel, "'")},
                  frame.stream_id));
    return;
  }
  uint64_t message_id = 0;
  std::vector<runtime::Pid> to_wake;
  bool delivered = false;
  {
    runtime::MutexLock lock(*services_.mu_);
    uint64_t& next = services_.next_message_id_[publish.channel];
    if (next == 0) next = 1;
    message_id = next++;
    for (const auto& [key, unused] : services_.subscribers_[publish.channel]) {
      auto session = services_.sessions_.find(key.first);
      if (session == services_.sessions_.end()) continue;
      SimSession& target = *session->second;
      target.pending_.push_back(
          Pending{key.second, MakeFrame(protocol::Deliver{0, publish.envelope}, 0)});
      delivered = true;
      if (&target != this && target.pid_ != runtime::kNoPid) to_wake.push_back(target.pid_);
    }
  }
  for (runtime::Pid pid : to_wake) {
    services_.runtime_.scheduler().Send(pid, runtime::Wake{});  // a lost wake only delays
  }
  out.Send(MakeFrame(protocol::PublishAck{message_id}, frame.stream_id,
                     delivered ? protocol::kFlagDelivered : 0));
}

void SimSession::HandleConversationMessage(const Frame& frame,
                                           const protocol::ConversationMessage& message,
                                           server::ConnectionOutput& out) {
  auto conversation = conversations_.find(message.conversation_id);
  if (conversation == conversations_.end()) {
    out.Send(
        MakeFrame(protocol::ConversationError{message.conversation_id,
                                              protocol::ToWire(ReasonCode::kConversationUnknown),
                                              "no such conversation"},
                  frame.stream_id));
    return;
  }
  if ((frame.flags & protocol::kFlagReplyRequested) == 0) return;
  SimServices::Responder responder;
  {
    runtime::MutexLock lock(*services_.mu_);
    auto it = services_.responders_.find(conversation->second.subject);
    if (it != services_.responders_.end()) responder = it->second;
  }
  Frame reply = MakeFrame(protocol::ConversationMessage{message.conversation_id, message.envelope},
                          frame.stream_id, protocol::kFlagReplyRequested);
  switch (responder.kind) {
    case ResponderKind::kEcho:
      out.Send(reply);
      return;
    case ResponderKind::kSilent:
      return;
    case ResponderKind::kLate:
      break;
  }
  // The participant answers later, from outside the process: queue and wake.
  SimServices& services = services_;
  const uint64_t session_id = id_;
  services.runtime_.clock().RunAfter(
      responder.delay, [&services, session_id, reply = std::move(reply)]() mutable {
        runtime::Pid pid = runtime::kNoPid;
        {
          runtime::MutexLock lock(*services.mu_);
          auto it = services.sessions_.find(session_id);
          if (it == services.sessions_.end()) return;  // the connection has gone
          it->second->pending_.push_back(Pending{0, std::move(reply)});
          pid = it->second->pid_;
        }
        services.runtime_.scheduler().Send(pid, runtime::Wake{});
      });
}

void SimSession::Pump(server::ConnectionOutput& out) {
  Enter("Pump");
  std::deque<Pending> work;
  {
    runtime::MutexLock lock(*services_.mu_);
    work.swap(pending_);
  }
  std::deque<Pending> held;
  while (!work.empty()) {
    if (!out.HasOutboundRoom()) {
      held = std::move(work);
      break;
    }
    Pending next = std::move(work.front());
    work.pop_front();
    if (next.subscription == 0) {
      out.Send(next.frame);
      continue;
    }
    uint32_t stream = 0;
    uint64_t seq = 0;
    {
      runtime::MutexLock lock(*services_.mu_);
      auto it = subscriptions_.find(next.subscription);
      if (it == subscriptions_.end()) continue;  // unsubscribed meanwhile: dropped
      stream = it->second.stream;
      seq = it->second.next_seq++;
    }
    auto& deliver = std::get<protocol::Deliver>(next.frame.body);
    deliver.delivery_seq = seq;
    next.frame.stream_id = stream;
    out.Send(next.frame);
  }
  if (!held.empty()) {
    runtime::MutexLock lock(*services_.mu_);
    while (!pending_.empty()) {  // keep arrival order: held work goes first
      held.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
    pending_.swap(held);
  }
  Leave();
}

bool SimSession::HasSubscriptions() const {
  runtime::MutexLock lock(*services_.mu_);
  return !subscriptions_.empty();
}

void SimSession::Release() {
  if (released_) {
    services_.NoteViolation(absl::StrCat("session ", id_, " released twice"));
    return;
  }
  if (in_call_ > 0) {
    services_.NoteViolation(
        absl::StrCat("session ", id_, " released while a frame handler or Pump was running"));
  }
  released_ = true;
  {
    runtime::MutexLock lock(*services_.mu_);
    for (const auto& [subscription, sub] : subscriptions_) {
      services_.subscribers_[sub.channel].erase({id_, subscription});
    }
    subscriptions_.clear();
    pending_.clear();
    services_.sessions_.erase(id_);
  }
  services_.released_.insert(id_);
}

}  // namespace liminal::sim
