#include "core/server/services/service_session.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "core/auth/permissions.h"
#include "core/protocol/frame_type.h"
#include "core/server/services/conversations/participant_process.h"
#include "core/server/services/pubsub/delivery_seq.h"
#include "core/server/services/pubsub/subscribe_target.h"
#include "core/server/services/routing/routing_table.h"
#include "core/server/worker_subject.h"

namespace liminal::server::services {
namespace {

using protocol::Frame;
using protocol::MakeFrame;
using protocol::ReasonCode;
using protocol::ToWire;

std::string UnknownChannel(absl::string_view channel, bool worker_front_door) {
  if (worker_front_door) {
    return absl::StrCat("channel '", channel,
                        "' is not served: this server runs the \"worker-front-door\" services "
                        "profile, which serves worker registration and pushes only");
  }
  return absl::StrCat("channel '", channel, "' is not configured");
}

std::string SchemaHex(const protocol::SchemaId& id) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

}  // namespace

ServiceSession::ServiceSession(const SessionEnvironment& env)
    : env_(env),
      replies_(std::make_shared<ReplyInbox>(env.runtime.NewMutex(), env.runtime.scheduler(),
                                            env.runtime.clock(), env.conversation_reply_timeout,
                                            env.faults.reply_to_newest_request)),
      publish_acks_(
          std::make_shared<PublishAckInbox>(env.runtime.NewMutex(), env.runtime.scheduler())) {}

ServiceSession::~ServiceSession() = default;

void ServiceSession::Bind(ConnectionOutput& out) {
  if (pid_ != runtime::kNoPid) return;
  pid_ = out.pid();
  replies_->SetOwner(pid_);
  publish_acks_->SetOwner(pid_);
}

bool ServiceSession::Enter(ConnectionOutput& out) {
  Bind(out);
  return !released_;
}

void ServiceSession::OnSubscribe(const Frame& frame, protocol::Subscribe& subscribe,
                                 ConnectionOutput& out) {
  if (Enter(out)) HandleSubscribe(frame, subscribe, out);
}

void ServiceSession::OnUnsubscribe(const Frame&, protocol::Unsubscribe& unsubscribe,
                                   ConnectionOutput& out) {
  if (Enter(out)) HandleUnsubscribe(unsubscribe);
}

void ServiceSession::OnPublish(const Frame& frame, protocol::Publish& publish,
                               ConnectionOutput& out) {
  if (Enter(out)) HandlePublish(frame, publish, out);
}

void ServiceSession::OnConversationOpen(const Frame& frame, protocol::ConversationOpen& open,
                                        ConnectionOutput& out) {
  if (Enter(out)) HandleConversationOpen(frame, open, out);
}

void ServiceSession::OnConversationMessage(const Frame& frame,
                                           protocol::ConversationMessage& message,
                                           ConnectionOutput& out) {
  if (Enter(out)) HandleConversationMessage(frame, message, out);
}

void ServiceSession::OnConversationClose(const Frame& frame, protocol::ConversationClose& close,
                                         ConnectionOutput& out) {
  if (Enter(out)) HandleConversationClose(frame, close, out);
}

void ServiceSession::OnAccept(const Frame& frame, protocol::Accept& accept, ConnectionOutput& out) {
  if (Enter(out)) {
    HandleAck(frame, accept.referenced_message_id, &Subscription::Accept,
              metrics::AckKind::kAccept);
  }
}

void ServiceSession::OnDefer(const Frame& frame, protocol::Defer& defer, ConnectionOutput& out) {
  if (Enter(out)) {
    HandleAck(frame, defer.referenced_message_id, &Subscription::Defer, metrics::AckKind::kDefer);
  }
}

void ServiceSession::OnReject(const Frame& frame, protocol::Reject& reject, ConnectionOutput& out) {
  if (Enter(out)) {
    HandleAck(frame, reject.referenced_message_id, &Subscription::Reject,
              metrics::AckKind::kReject);
  }
}

// ---------------------------------------------------------------------------------------
// Publish

void ServiceSession::HandlePublish(const Frame& frame, protocol::Publish& publish,
                                   ConnectionOutput& out) {
  if (absl::Status allowed = out.access().Check(auth::Operation::kPublish, publish.channel);
      !allowed.ok()) {
    env_.metrics.PublishRejected();
    out.Send(MakeFrame(
        protocol::PublishError{ToWire(ReasonCode::kForbidden), std::string(allowed.message())},
        frame.stream_id));
    return;
  }
  Channel* channel = env_.worker_front_door ? nullptr : FindChannel(publish.channel);
  if (channel == nullptr) {
    env_.metrics.PublishRejected();
    out.Send(
        MakeFrame(protocol::PublishError{ToWire(ReasonCode::kUnknownChannel),
                                         UnknownChannel(publish.channel, env_.worker_front_door)},
                  frame.stream_id));
    return;
  }
  if (absl::Status valid = channel->ValidatePayload(publish.envelope.payload); !valid.ok()) {
    env_.metrics.PublishRejected();
    out.Send(MakeFrame(
        protocol::PublishError{ToWire(ReasonCode::kSchemaInvalid),
                               absl::StrCat("payload does not match the schema of channel '",
                                            channel->name(), "': ", valid.message())},
        frame.stream_id));
    return;
  }
  // The decoded envelope moves into the one shared copy every subscriber's queue holds.
  const SharedEnvelope envelope =
      std::make_shared<const protocol::Envelope>(std::move(publish.envelope));
  // Only the idempotency window looks at the time: unkeyed publishes skip the clock read.
  const absl::Time now =
      publish.idempotency_key.has_value() ? env_.runtime.clock().Now() : absl::InfinitePast();
  const PublishOrigin origin{.inbox = publish_acks_, .stream_id = frame.stream_id};
  const Channel::PublishResult result =
      channel->Publish(envelope, publish.idempotency_key, now, wakes_, &origin);
  // The subscribers' wakes go out at the end of the slice (Pump), not here.
  using Outcome = Channel::PublishResult::Outcome;
  switch (result.outcome) {
    case Outcome::kPending:
      return;  // answered through publish_acks_ once an fsync covers it
    case Outcome::kStorageError:
      env_.metrics.PublishRejected();
      out.Send(MakeFrame(protocol::PublishError{ToWire(ReasonCode::kStorage), result.error},
                         frame.stream_id));
      return;
    case Outcome::kDuplicate:
      env_.metrics.PublishDuplicate();
      out.Send(MakeFrame(protocol::PublishAck{result.message_id}, frame.stream_id));
      return;
    case Outcome::kAcked:
      PublishRoutedCopies(env_.routes, *channel, envelope, now, wakes_);
      env_.metrics.PublishAcked();
      out.Send(MakeFrame(protocol::PublishAck{result.message_id}, frame.stream_id,
                         result.queued > 0 ? protocol::kFlagDelivered : uint8_t{0}));
      return;
  }
}

Channel* ServiceSession::FindChannel(std::string_view name) {
  // A publisher usually sends to one channel after another to the same one: remember the
  // last, which spares the registry lookup (channels live as long as the services).
  if (last_channel_ != nullptr && last_channel_->name() == name) return last_channel_;
  Channel* channel = env_.channels.Find(name);
  if (channel != nullptr) last_channel_ = channel;
  return channel;
}

void ServiceSession::SendWakes() {
  // This connection's own subscriptions are pumped at the end of the current slice.
  services::SendWakes(env_.runtime.scheduler(), wakes_, pid_);
}

// ---------------------------------------------------------------------------------------
// Subscriptions and delivery

void ServiceSession::HandleSubscribe(const Frame& frame, const protocol::Subscribe& subscribe,
                                     ConnectionOutput& out) {
  auto refuse = [&](ReasonCode code, std::string text) {
    out.Send(MakeFrame(protocol::SubscribeError{ToWire(code), std::move(text)}, frame.stream_id));
  };
  Channel* channel = env_.worker_front_door ? nullptr : env_.channels.Find(subscribe.channel);
  // A name that is not a channel as written may carry a replay query (subscribe_target.h).
  SubscribeTarget target{.channel = subscribe.channel, .from = std::nullopt, .consumer = {}};
  absl::Status malformed_query;
  if (channel == nullptr && !env_.worker_front_door &&
      subscribe.channel.find('?') != std::string::npos) {
    absl::StatusOr<SubscribeTarget> parsed = ParseSubscribeTarget(subscribe.channel);
    if (parsed.ok()) {
      target = *std::move(parsed);
      channel = env_.channels.Find(target.channel);
    } else {
      malformed_query = parsed.status();
      target.channel = subscribe.channel.substr(0, subscribe.channel.find('?'));
    }
  }
  // Permission is on the channel itself, whatever replay query follows it; checked before the
  // channel's existence, so a denied client learns nothing about the configuration.
  if (absl::Status allowed = out.access().Check(auth::Operation::kSubscribe, target.channel);
      !allowed.ok()) {
    refuse(ReasonCode::kForbidden, std::string(allowed.message()));
    return;
  }
  if (!malformed_query.ok()) {
    refuse(ReasonCode::kUnknownChannel, std::string(malformed_query.message()));
    return;
  }
  if (channel == nullptr) {
    refuse(ReasonCode::kUnknownChannel, UnknownChannel(target.channel, env_.worker_front_door));
    return;
  }
  if (target.replay_requested() && !channel->durable()) {
    refuse(ReasonCode::kUnknownChannel,
           absl::StrCat("channel '", channel->name(),
                        "' is not durable: only a durable channel can replay from a message "
                        "id or keep a named consumer"));
    return;
  }
  if (!subscribe.accepted_schemas.empty() &&
      std::find(subscribe.accepted_schemas.begin(), subscribe.accepted_schemas.end(),
                channel->schema_id()) == subscribe.accepted_schemas.end()) {
    refuse(ReasonCode::kSchemaIncompatible,
           absl::StrCat("channel '", channel->name(), "' uses schema ",
                        SchemaHex(channel->schema_id()), ", which is not among the ",
                        subscribe.accepted_schemas.size(), " accepted schema(s)"));
    return;
  }
  const bool acks = (frame.flags & protocol::kFlagAcks) != 0;
  if (auto it = streams_.find(frame.stream_id); it != streams_.end()) {
    if (it->second.acks_subscription != 0) {
      refuse(ReasonCode::kInvalidStream,
             absl::StrCat("stream ", frame.stream_id, " carries subscription ",
                          it->second.acks_subscription,
                          ", which acknowledges deliveries (ACKS); use another stream"));
      return;
    }
    if (acks) {
      refuse(ReasonCode::kInvalidStream,
             absl::StrCat("stream ", frame.stream_id, " already carries ", it->second.subscriptions,
                          " subscription(s); a subscription that acknowledges deliveries (ACKS) "
                          "needs a stream of its own"));
      return;
    }
  }
  if (env_.max_subscriptions_per_connection != 0 &&
      subscriptions_.size() >= env_.max_subscriptions_per_connection) {
    refuse(ReasonCode::kLimit, absl::StrCat("this connection already holds ", subscriptions_.size(),
                                            " subscriptions (max_subscriptions_per_connection = ",
                                            env_.max_subscriptions_per_connection, ")"));
    return;
  }
  if (target.consumer.has_value()) {
    if (absl::Status claimed = channel->ClaimConsumer(*target.consumer); !claimed.ok()) {
      refuse(ReasonCode::kInvalidStateTransition, std::string(claimed.message()));
      return;
    }
  }
  const uint64_t id = next_subscription_id_++;
  StreamState& stream = streams_[frame.stream_id];
  ++stream.subscriptions;
  if (acks) stream.acks_subscription = id;
  auto subscription = std::make_shared<Subscription>(
      Subscription::Params{.id = id,
                           .stream_id = frame.stream_id,
                           .owner = pid_,
                           .schema_id = channel->schema_id(),
                           .acks = acks,
                           .max_in_flight = subscribe.max_in_flight,
                           .pending_limit = env_.max_subscription_inbox_depth,
                           .stream_sequence = stream.sequence,
                           .fault_credit_off_by_one = env_.faults.credit_off_by_one,
                           .fault_lose_wake = env_.faults.lose_subscriber_wake,
                           .fault_defer_twice = env_.faults.defer_redelivers_twice,
                           .fault_redeliver_old_seq = env_.faults.redeliver_under_old_seq},
      env_.runtime.NewMutex());
  // Ack first: a Deliver for this subscription can only leave in a later Pump.
  out.Send(MakeFrame(protocol::SubscribeAck{id, channel->schema_id()}, frame.stream_id));
  SubscriptionEntry entry{.subscription = subscription,
                          .channel = channel,
                          .replay_cursor = std::nullopt,
                          .consumer = target.consumer};
  const bool replay = channel->durable() &&
                      ((frame.flags & protocol::kFlagReplay) != 0 || target.replay_requested());
  if (replay) {
    // Joins the live fan-out from RefillReplay, once it has read up to the live end. A
    // known consumer resumes after what it acknowledged; a new one starts at `from`.
    std::optional<uint64_t> from = target.from;
    if (target.consumer.has_value()) {
      if (std::optional<uint64_t> position = channel->ConsumerPosition(*target.consumer)) {
        from = *position + 1;
      }
    }
    entry.replay_cursor = channel->ReplayStart(from);
  } else {
    channel->AddSubscription(subscription);
  }
  subscriptions_.emplace(id, std::move(entry));
}

void ServiceSession::HandleUnsubscribe(const protocol::Unsubscribe& unsubscribe) {
  // An unknown id is ignored: the protocol has no response frame for Unsubscribe.
  DropSubscription(unsubscribe.subscription_id);
}

void ServiceSession::SaveConsumerPosition(const SubscriptionEntry& entry) {
  if (!entry.consumer.has_value()) return;
  if (std::optional<uint64_t> through = entry.subscription->AcknowledgedThrough()) {
    entry.channel->AdvanceConsumer(*entry.consumer, *through);
  }
}

void ServiceSession::DropSubscription(uint64_t id) {
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return;
  SaveConsumerPosition(it->second);
  if (it->second.consumer.has_value()) it->second.channel->ReleaseConsumer(*it->second.consumer);
  it->second.channel->RemoveSubscription(*it->second.subscription);
  LeaveStream(it->second.subscription->stream_id());
  subscriptions_.erase(it);
}

void ServiceSession::LeaveStream(uint32_t stream_id) {
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return;
  if (--it->second.subscriptions == 0) streams_.erase(it);
}

void ServiceSession::HandleAck(const Frame& frame, const std::string& referenced,
                               bool (Subscription::*apply)(uint64_t), metrics::AckKind kind) {
  // Only a subscription with ACKS takes acknowledgements, and it has its stream to itself.
  auto stream = streams_.find(frame.stream_id);
  if (stream == streams_.end() || stream->second.acks_subscription == 0) return;
  const std::optional<uint64_t> seq = ParseDeliverySeq(referenced);
  if (!seq.has_value()) return;  // malformed: ignored (no response frame exists)
  auto entry = subscriptions_.find(stream->second.acks_subscription);
  if (entry == subscriptions_.end()) return;
  Subscription& subscription = *entry->second.subscription;
  if ((subscription.*apply)(*seq)) env_.metrics.Ack(kind);
  SaveConsumerPosition(entry->second);
}

bool ServiceSession::PumpSubscriptions(ConnectionOutput& out, bool& sent_any) {
  if (subscriptions_.empty()) return true;
  pump_order_.clear();
  for (auto it = subscriptions_.lower_bound(pump_cursor_); it != subscriptions_.end(); ++it) {
    pump_order_.push_back(it->first);
  }
  for (auto it = subscriptions_.begin(); it != subscriptions_.end() && it->first < pump_cursor_;
       ++it) {
    pump_order_.push_back(it->first);
  }
  for (uint64_t id : pump_order_) {
    auto it = subscriptions_.find(id);
    if (it == subscriptions_.end()) continue;
    Subscription& subscription = *it->second.subscription;
    size_t delivered = 0;
    Subscription::PumpStop stop = Subscription::PumpStop::kIdle;
    // A replaying subscription alternates between refilling its queue from the log and
    // sending, a few rounds per pump; it asks for another pump while it has not caught up.
    for (int round = 0; round < kReplayRoundsPerPump; ++round) {
      if (it->second.replay_cursor.has_value() && !RefillReplay(id, it->second, out)) break;
      stop = subscription.Pump(out, delivered);
      if (stop != Subscription::PumpStop::kIdle || !it->second.replay_cursor.has_value()) break;
    }
    if (!subscriptions_.contains(id)) {  // the replay failed and dropped it
      sent_any = true;
      continue;
    }
    if (it->second.replay_cursor.has_value() && stop == Subscription::PumpStop::kIdle) {
      env_.runtime.scheduler().Send(pid_, runtime::Wake{});
    }
    // Without ACKS, a message counts as acknowledged once it is written.
    if (delivered > 0 && !subscription.acks()) SaveConsumerPosition(it->second);
    env_.metrics.Delivered(delivered);
    sent_any |= delivered > 0;
    if (stop == Subscription::PumpStop::kShed) {
      out.Send(MakeFrame(
          protocol::SubscribeError{
              ToWire(ReasonCode::kSlowConsumer),
              absl::StrCat("subscription ", id, " to channel '", it->second.channel->name(),
                           "' was shed: more than ", subscription.pending_limit(),
                           " messages were waiting (limits.max_subscription_inbox_depth)")},
          subscription.stream_id()));
      sent_any = true;
      SaveConsumerPosition(it->second);  // before Close() forgets what is outstanding
      if (it->second.consumer.has_value()) {
        it->second.channel->ReleaseConsumer(*it->second.consumer);
      }
      subscription.Close();  // the channel detached it when it shed it
      LeaveStream(subscription.stream_id());
      subscriptions_.erase(it);
    } else if (stop == Subscription::PumpStop::kNoRoom) {
      pump_cursor_ = id + 1;  // the next Pump starts with the following subscription
      return false;
    }
  }
  return true;
}

bool ServiceSession::RefillReplay(uint64_t id, SubscriptionEntry& entry, ConnectionOutput& out) {
  Subscription& subscription = *entry.subscription;
  const size_t queued = subscription.pending_size();
  if (queued >= subscription.pending_limit()) return true;
  const size_t room = std::min(subscription.pending_limit() - queued, kReplayBatch);
  Channel::ReplayBatch batch =
      entry.channel->ReadForReplay(*entry.replay_cursor, room, entry.subscription);
  if (!batch.error.ok()) {
    out.Send(MakeFrame(
        protocol::SubscribeError{ToWire(ReasonCode::kStorage),
                                 absl::StrCat("subscription ", id, " could not replay channel '",
                                              entry.channel->name(), "': ", batch.error.message())},
        subscription.stream_id()));
    DropSubscription(id);
    return false;
  }
  // Detached while replaying, so nothing else enqueues and `room` cannot overflow.
  for (const QueuedMessage& message : batch.messages) {
    subscription.Enqueue(message.envelope, message.message_id);
  }
  entry.replay_cursor = batch.next_cursor;
  if (batch.attached) entry.replay_cursor.reset();
  return true;
}

// ---------------------------------------------------------------------------------------
// Conversations

void ServiceSession::SendConversationError(ConnectionOutput& out, uint32_t stream_id,
                                           uint64_t conversation_id, ReasonCode code,
                                           std::string text) {
  out.Send(MakeFrame(protocol::ConversationError{conversation_id, ToWire(code), std::move(text)},
                     stream_id));
}

runtime::Pid ServiceSession::ParticipantOf(uint64_t conversation_id) const {
  auto it = conversations_.find(conversation_id);
  return it == conversations_.end() ? runtime::kNoPid : it->second.participant;
}

void ServiceSession::HandleConversationOpen(const Frame& frame,
                                            const protocol::ConversationOpen& open,
                                            ConnectionOutput& out) {
  const uint64_t id = open.conversation_id;
  if (conversations_.contains(id)) {
    SendConversationError(out, frame.stream_id, id, ReasonCode::kConversationOpen,
                          absl::StrCat("conversation ", id, " is already open on this connection"));
    return;
  }
  if (absl::Status allowed = out.access().Check(auth::Operation::kRequest, open.subject);
      !allowed.ok()) {
    SendConversationError(out, frame.stream_id, id, ReasonCode::kForbidden,
                          std::string(allowed.message()));
    return;
  }
  if (env_.worker_front_door && !IsWorkerSubject(open.subject)) {
    SendConversationError(
        out, frame.stream_id, id, ReasonCode::kConversationUnknown,
        absl::StrCat("subject '", open.subject,
                     "' is not served: this server runs the \"worker-front-door\" services "
                     "profile, which serves only worker.<queue> conversations"));
    return;
  }
  if (env_.max_conversations_per_connection != 0 &&
      conversations_.size() >= env_.max_conversations_per_connection) {
    SendConversationError(out, frame.stream_id, id, ReasonCode::kLimit,
                          absl::StrCat("this connection already holds ", conversations_.size(),
                                       " conversations (limits.max_conversations_per_connection = ",
                                       env_.max_conversations_per_connection, ")"));
    return;
  }
  std::unique_ptr<Responder> responder = env_.responders.Create(open.subject);
  if (responder == nullptr) {
    SendConversationError(
        out, frame.stream_id, id, ReasonCode::kInternal,
        absl::StrCat("the responder for subject '", open.subject, "' could not be created"));
    return;
  }
  const uint64_t instance = next_instance_++;
  replies_->OpenConversation(instance);
  auto inbox = std::make_shared<ParticipantInbox>(env_.runtime.NewMutex());
  runtime::Scheduler& scheduler = env_.runtime.scheduler();
  const runtime::Pid participant = scheduler.Spawn(
      std::make_unique<ParticipantProcess>(std::move(responder), inbox, id, open.subject),
      {.name = absl::StrCat("participant:", open.subject)});
  std::weak_ptr<ReplyInbox> weak = replies_;
  scheduler.Monitor(participant, [weak, instance](runtime::Pid, const runtime::ExitReason& why) {
    if (std::shared_ptr<ReplyInbox> inbox_of_replies = weak.lock()) {
      inbox_of_replies->ParticipantExited(instance, why);
    }
  });
  conversations_.emplace(id,
                         ConversationEntry{instance, open.subject, participant, std::move(inbox)});
  env_.metrics.ConversationOpened();
}

void ServiceSession::HandleConversationMessage(const Frame& frame,
                                               const protocol::ConversationMessage& message,
                                               ConnectionOutput& out) {
  const uint64_t id = message.conversation_id;
  auto it = conversations_.find(id);
  if (it == conversations_.end()) {
    SendConversationError(out, frame.stream_id, id, ReasonCode::kConversationUnknown,
                          absl::StrCat("conversation ", id, " is not open on this connection"));
    return;
  }
  ConversationEntry& conversation = it->second;
  if (std::optional<std::string> crash = replies_->CrashDetail(conversation.instance)) {
    env_.metrics.ConversationReply(metrics::ConversationReplyOutcome::kParticipantCrashed);
    SendConversationError(
        out, frame.stream_id, id, ReasonCode::kParticipantCrashed,
        absl::StrCat("the participant of conversation ", id, " (subject '", conversation.subject,
                     "') crashed: ", *crash, "; the conversation is closed"));
    EndConversation(it, /*drop_queued=*/false);
    return;
  }
  ReplyHandle reply;
  if ((frame.flags & protocol::kFlagReplyRequested) != 0) {
    if (std::optional<std::string> limit = PendingReplyLimitHit(conversation)) {
      SendConversationError(out, frame.stream_id, id, ReasonCode::kLimit, *std::move(limit));
      return;
    }
    reply =
        ReplyHandle(replies_, replies_->BeginRequest(conversation.instance, id, frame.stream_id));
  }
  if (conversation.inbox->Push({message.envelope.payload, std::move(reply)}) &&
      !env_.runtime.scheduler().Send(conversation.participant, runtime::Wake{})) {
    // A dead participant's exit monitor reports the crash; otherwise retry on the next push.
    conversation.inbox->Rearm();
  }
}

std::optional<std::string> ServiceSession::PendingReplyLimitHit(
    const ConversationEntry& conversation) const {
  const size_t per_conversation = env_.max_pending_replies_per_conversation;
  if (per_conversation != 0 &&
      replies_->PendingRequestsOf(conversation.instance) >= per_conversation) {
    return absl::StrCat("this conversation already has ", per_conversation,
                        " requests awaiting a reply (limits.max_pending_replies_per_conversation)");
  }
  const size_t per_connection = env_.max_pending_conversation_replies_per_connection;
  if (per_connection != 0 && replies_->pending_requests() >= per_connection) {
    return absl::StrCat(
        "this connection already has ", per_connection,
        " requests awaiting a reply (limits.max_pending_conversation_replies_per_connection)");
  }
  return std::nullopt;
}

void ServiceSession::HandleConversationClose(const Frame& frame,
                                             const protocol::ConversationClose& close,
                                             ConnectionOutput& out) {
  auto it = conversations_.find(close.conversation_id);
  if (it == conversations_.end()) {
    SendConversationError(
        out, frame.stream_id, close.conversation_id, ReasonCode::kConversationUnknown,
        absl::StrCat("conversation ", close.conversation_id, " is not open on this connection"));
    return;
  }
  EndConversation(it, /*drop_queued=*/true);
}

void ServiceSession::EndConversation(Conversations::iterator it, bool drop_queued) {
  const ConversationEntry& conversation = it->second;
  replies_->CloseConversation(conversation.instance, drop_queued);
  if (drop_queued) {
    const uint64_t instance = conversation.instance;
    outcomes_.erase(std::remove_if(outcomes_.begin(), outcomes_.end(),
                                   [instance](const ConversationOutcome& outcome) {
                                     return outcome.instance == instance;
                                   }),
                    outcomes_.end());
  }
  StopParticipant(conversation);
  env_.metrics.ConversationEnded();
  conversations_.erase(it);
}

void ServiceSession::StopParticipant(const ConversationEntry& conversation) {
  if (!conversation.inbox->Stop()) return;
  runtime::Scheduler& scheduler = env_.runtime.scheduler();
  if (!scheduler.Send(conversation.participant, runtime::Wake{}) &&
      scheduler.IsAlive(conversation.participant)) {
    scheduler.Kill(conversation.participant,
                   runtime::ExitReason::Killed("participant stop: wake failed"));
  }
}

void ServiceSession::SendOutcome(const ConversationOutcome& outcome, ConnectionOutput& out) {
  switch (outcome.kind) {
    case ConversationOutcome::Kind::kReply: {
      protocol::Envelope envelope;  // 32 zero bytes of schema id, independent causal context
      envelope.payload = outcome.text;
      out.Send(
          MakeFrame(protocol::ConversationMessage{outcome.conversation_id, std::move(envelope)},
                    outcome.stream_id, protocol::kFlagReplyRequested));
      env_.metrics.ConversationReply(metrics::ConversationReplyOutcome::kReplied);
      return;
    }
    case ConversationOutcome::Kind::kTimeout:
      env_.metrics.ConversationReply(metrics::ConversationReplyOutcome::kTimeout);
      SendConversationError(out, outcome.stream_id, outcome.conversation_id,
                            ReasonCode::kReplyTimeout,
                            absl::StrCat("the participant of conversation ",
                                         outcome.conversation_id, " did not reply within ",
                                         absl::FormatDuration(env_.conversation_reply_timeout)));
      return;
    case ConversationOutcome::Kind::kCrashed: {
      env_.metrics.ConversationReply(metrics::ConversationReplyOutcome::kParticipantCrashed);
      SendConversationError(
          out, outcome.stream_id, outcome.conversation_id, ReasonCode::kParticipantCrashed,
          absl::StrCat("the participant of conversation ", outcome.conversation_id,
                       " crashed before replying: ", outcome.text, "; the conversation is closed"));
      auto it = conversations_.find(outcome.conversation_id);
      if (it != conversations_.end() && it->second.instance == outcome.instance) {
        EndConversation(it, /*drop_queued=*/false);
      }
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Pump and release

void ServiceSession::Pump(ConnectionOutput& out) {
  Bind(out);
  if (released_) return;
  SendWakes();
  bool sent_any = false;
  bool room = true;
  publish_acks_->Take(ack_frames_);
  for (protocol::Frame& ack : ack_frames_) out.Send(std::move(ack));  // small; never held back
  sent_any |= !ack_frames_.empty();
  ack_frames_.clear();
  replies_->TakeOutcomes(outcomes_);
  while (!outcomes_.empty()) {
    if (!out.HasOutboundRoom()) {
      room = false;
      break;
    }
    ConversationOutcome outcome = std::move(outcomes_.front());
    outcomes_.pop_front();
    SendOutcome(outcome, out);
    sent_any = true;
  }
  if (room) room = PumpSubscriptions(out, sent_any);
  // Out of room after writing in this very slice: the socket may take the batch at once and
  // never report SocketDrained, so come back for the rest. A pump that wrote nothing (the
  // socket itself is backed up) waits for SocketDrained instead, so this cannot spin.
  if (!room && sent_any) env_.runtime.scheduler().Send(pid_, runtime::Wake{});
}

void ServiceSession::Release() {
  if (released_) return;
  released_ = true;
  SendWakes();  // publishes of this slice still reach their subscribers
  for (auto& [id, entry] : subscriptions_) {
    SaveConsumerPosition(entry);
    if (entry.consumer.has_value()) entry.channel->ReleaseConsumer(*entry.consumer);
    if (env_.faults.keep_subscriptions_on_close) continue;  // planted bug (fault_hooks.h)
    entry.channel->RemoveSubscription(*entry.subscription);
  }
  subscriptions_.clear();
  streams_.clear();
  replies_->Shutdown();  // participant exits from here on are not crashes
  publish_acks_->Shutdown();
  for (auto& [id, conversation] : conversations_) {
    StopParticipant(conversation);
    env_.metrics.ConversationEnded();
  }
  conversations_.clear();
  outcomes_.clear();
}

}  // namespace liminal::server::services
