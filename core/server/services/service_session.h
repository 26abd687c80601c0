// ServiceSession: one connection's application state (the ConnectionSession the connection
// process forwards Subscribe, Unsubscribe, Publish, Conversation* and Accept/Defer/Reject
// to). It owns the connection's subscriptions and conversations and implements
// server-behaviour.md §2–§4:
//
//   * Publish: validate, assign the channel's next id (or answer a duplicate key with the
//     original id), fan out, apply routing rules, ack. The subscribers' processes are woken
//     once per slice, at its end (Pump, or Release): a burst of publishes read in one go
//     wakes each subscriber once, and it finds the whole burst queued (one Deliver batch,
//     one socket write) instead of racing the publisher message by message.
//   * Durable channels (§5): with fsync "always" the PublishAck (or E_STORAGE) arrives
//     through the PublishAckInbox after the fsync and leaves in Pump. A Subscribe with the
//     REPLAY flag or a `?from=<id>` suffix (subscribe_target.h) first reads the retained
//     messages from the log, a batch per pump, then joins the live fan-out.
//   * Subscribe/Unsubscribe and credit: Deliver frames leave in Pump, on the subscriber's
//     own process, while credit (ACKS subscriptions only) and outbound room allow. Several
//     subscriptions without ACKS may share a stream and its delivery_seq; a subscription
//     with ACKS needs a stream of its own, so an Accept names exactly one subscription.
//   * The "worker-front-door" profile serves only `worker.<queue>` conversations (and, in
//     the connection process, worker registration and pushes): Publish and Subscribe are
//     refused with E_UNKNOWN_CHANNEL, other conversations with E_CONVERSATION_UNKNOWN.
//   * Conversations: each one's participant is a process; replies, timeouts and crashes come
//     back through the ReplyInbox and leave in Pump, so nothing here ever waits.
//
// Created by LiminalServices::OpenSession; the connection process calls its On* handlers and Pump
// in its slices and the supervisor calls Release exactly once (never concurrently).
#ifndef LIMINAL_CORE_SERVER_SERVICES_SERVICE_SESSION_H_
#define LIMINAL_CORE_SERVER_SERVICES_SERVICE_SESSION_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "core/protocol/frame.h"
#include "core/protocol/reason_code.h"
#include "core/runtime/pid.h"
#include "core/server/connection_services.h"
#include "core/server/services/conversations/participant_inbox.h"
#include "core/server/services/conversations/reply_inbox.h"
#include "core/server/services/pubsub/channel.h"
#include "core/server/services/pubsub/publish_ack_inbox.h"
#include "core/server/services/pubsub/stream_sequence.h"
#include "core/server/services/pubsub/subscription.h"
#include "core/server/services/session_environment.h"

namespace liminal::server::services {

class ServiceSession final : public ConnectionSession {
 public:
  explicit ServiceSession(const SessionEnvironment& env);
  ~ServiceSession() override;

  void OnSubscribe(const protocol::Frame& frame, protocol::Subscribe& subscribe,
                   ConnectionOutput& out) override;
  void OnUnsubscribe(const protocol::Frame& frame, protocol::Unsubscribe& unsubscribe,
                     ConnectionOutput& out) override;
  void OnPublish(const protocol::Frame& frame, protocol::Publish& publish,
                 ConnectionOutput& out) override;
  void OnConversationOpen(const protocol::Frame& frame, protocol::ConversationOpen& open,
                          ConnectionOutput& out) override;
  void OnConversationMessage(const protocol::Frame& frame, protocol::ConversationMessage& message,
                             ConnectionOutput& out) override;
  void OnConversationClose(const protocol::Frame& frame, protocol::ConversationClose& close,
                           ConnectionOutput& out) override;
  void OnAccept(const protocol::Frame& frame, protocol::Accept& accept,
                ConnectionOutput& out) override;
  void OnDefer(const protocol::Frame& frame, protocol::Defer& defer,
               ConnectionOutput& out) override;
  void OnReject(const protocol::Frame& frame, protocol::Reject& reject,
                ConnectionOutput& out) override;
  void Pump(ConnectionOutput& out) override;
  bool HasSubscriptions() const override { return !subscriptions_.empty(); }
  void Release() override;

  // Introspection for tests and diagnostics (process-side only).
  size_t subscription_count() const { return subscriptions_.size(); }
  size_t conversation_count() const { return conversations_.size(); }
  // The participant pid of an open conversation, or kNoPid.
  runtime::Pid ParticipantOf(uint64_t conversation_id) const;

 private:
  struct SubscriptionEntry {
    std::shared_ptr<Subscription> subscription;
    Channel* channel = nullptr;
    // Replaying a durable channel: the next message id to read from its log. Unset once the
    // subscription has caught up and joined the live fan-out.
    std::optional<uint64_t> replay_cursor;
    std::optional<std::string> consumer;  // a named durable consumer this subscription holds
  };
  // The subscriptions on one client stream.
  struct StreamState {
    std::shared_ptr<StreamSequence> sequence = std::make_shared<StreamSequence>();
    uint64_t acks_subscription = 0;  // the stream's only subscription when it set ACKS
    size_t subscriptions = 0;
  };
  struct ConversationEntry {
    uint64_t instance = 0;
    std::string subject;
    runtime::Pid participant = runtime::kNoPid;
    std::shared_ptr<ParticipantInbox> inbox;
  };
  using Conversations = absl::btree_map<uint64_t, ConversationEntry>;

  void Bind(ConnectionOutput& out);
  // Bind(out), then whether the session still takes frames (false once released).
  bool Enter(ConnectionOutput& out);

  void HandlePublish(const protocol::Frame& frame, protocol::Publish& publish,
                     ConnectionOutput& out);
  // env_.channels.Find, with the last channel found remembered.
  Channel* FindChannel(std::string_view name);
  // Wakes the owners of the subscriptions this slice's publishes armed (wakes_).
  void SendWakes();

  void HandleSubscribe(const protocol::Frame& frame, const protocol::Subscribe& subscribe,
                       ConnectionOutput& out);
  void HandleUnsubscribe(const protocol::Unsubscribe& unsubscribe);
  // Accept, Defer or Reject (`apply`, counted as `kind`) of the subscription on the frame's
  // stream.
  void HandleAck(const protocol::Frame& frame, const std::string& referenced,
                 bool (Subscription::*apply)(uint64_t), metrics::AckKind kind);
  void DropSubscription(uint64_t id);
  // A named consumer's position follows what its subscription has acknowledged.
  void SaveConsumerPosition(const SubscriptionEntry& entry);
  // One subscription fewer on `stream_id`; the stream is forgotten with its last one.
  void LeaveStream(uint32_t stream_id);
  // Pumps every subscription, round-robin; false when the outbound queue filled up.
  bool PumpSubscriptions(ConnectionOutput& out, bool& sent_any);
  // Moves the next replayed messages into a replaying subscription's queue (or lets it join
  // the live fan-out). False when the log could not be read: the subscription was dropped.
  bool RefillReplay(uint64_t id, SubscriptionEntry& entry, ConnectionOutput& out);

  void HandleConversationOpen(const protocol::Frame& frame, const protocol::ConversationOpen& open,
                              ConnectionOutput& out);
  void HandleConversationMessage(const protocol::Frame& frame,
                                 const protocol::ConversationMessage& message,
                                 ConnectionOutput& out);
  void HandleConversationClose(const protocol::Frame& frame,
                               const protocol::ConversationClose& close, ConnectionOutput& out);
  // Forgets the conversation and stops its participant. `drop_queued` also discards replies
  // and timeouts not yet sent (a client close); a crash keeps them.
  void EndConversation(Conversations::iterator it, bool drop_queued);
  // Asks the participant to finish; if it cannot be woken it is killed instead, so a failed
  // wake never leaves it (and its Responder) alive.
  void StopParticipant(const ConversationEntry& conversation);
  void SendOutcome(const ConversationOutcome& outcome, ConnectionOutput& out);
  // Why a new flagged request would exceed a pending-reply limit, or nullopt.
  std::optional<std::string> PendingReplyLimitHit(const ConversationEntry& conversation) const;

  static void SendConversationError(ConnectionOutput& out, uint32_t stream_id,
                                    uint64_t conversation_id, protocol::ReasonCode code,
                                    std::string text);

  static constexpr size_t kReplayBatch = 256;  // messages read from a log at once
  static constexpr int kReplayRoundsPerPump = 4;

  const SessionEnvironment& env_;
  runtime::Pid pid_ = runtime::kNoPid;
  bool released_ = false;

  // Subscriptions.
  uint64_t next_subscription_id_ = 1;
  absl::btree_map<uint64_t, SubscriptionEntry> subscriptions_;
  absl::btree_map<uint32_t, StreamState> streams_;
  uint64_t pump_cursor_ = 0;          // round-robin start for the next Pump
  std::vector<uint64_t> pump_order_;  // scratch, reused
  WakeList wakes_;                    // scratch, reused
  Channel* last_channel_ = nullptr;   // FindChannel's memory

  // Conversations.
  std::shared_ptr<ReplyInbox> replies_;
  uint64_t next_instance_ = 1;
  Conversations conversations_;

  // Answers to durable publishes that waited for an fsync.
  std::shared_ptr<PublishAckInbox> publish_acks_;
  std::vector<protocol::Frame> ack_frames_;  // scratch, reused

  std::deque<ConversationOutcome> outcomes_;  // taken from replies_, not yet sent
};

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_SERVICE_SESSION_H_
