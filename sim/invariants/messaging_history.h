// MessagingHistory: the history checker of the messaging guarantees (issue 12, Jepsen
// style). Every simulated client records what it sent (publishes, subscribes, acks,
// conversation requests, worker registrations) and what it received (answers, deliveries,
// replies, pushes); the checker holds the two against each other. Ground truth is the wire
// as the clients saw it — plus, for "this connection is gone", the supervisor's release
// event — never the services' own bookkeeping.
//
// Checked as each record arrives (cheap, after every step):
//   no-phantom-messages  a delivery names a message that was published, to this channel (or
//                        to a channel routed here), and arrives once — again only after a Defer
//   delivery-seq         delivery_seq is contiguous from 1 on each subscription
//   credit               with ACKS, deliveries the client has not acknowledged (Accept,
//                        Reject or Defer already sent) never exceed max_in_flight
//   duplicates           a publish repeating an idempotency key gets the original's id, the
//                        DELIVERED bit clear, and is never delivered
//   routing              a routed copy reaches a target only if it matches the rule
//   conversations        a flagged request gets at most one outcome, and a reply only ever
//                        carries its own request's answer; unflagged messages get no reply
//   worker-dispatch      a push for worker.<queue> reaches only a worker registered for that
//                        queue when the request was sent
// Checked once the faults are over (CheckLiveness, at the workload's liveness cut):
//   liveness             every publish, subscribe and flagged request of a live client is
//                        answered, and every live subscription received every acknowledged,
//                        non-duplicate publish sent after its SubscribeAck (routed copies too)
// Checked at the end of the run (CheckEnd):
//   delivery             each subscription received a prefix of the channel, in message-id
//                        order: nothing acknowledged after its SubscribeAck is skipped; a
//                        live subscription ends by error only with E_SLOW_CONSUMER (checked
//                        as the error arrives), and nothing is delivered after it
//   delivered-flag       the DELIVERED bit is set only if a subscription could have queued the
//                        message, and never clear for a message that was delivered
//   ids-never-reused     (PublishLedger) one message id, one message
//
// Messages are named in their payloads (MessagePayload / RequestPayload) so a delivery, a
// reply or a push can be traced back to the send. A durable restart check extends this
// naturally: DurableHistory shares the PublishLedger and adds replay-after-restart.
//
//   MessagingHistory history(now_fn, {{"orders", "audit", 5}});
//   history.PublishSent(client, stream, "orders", "c1.3", 7, std::nullopt);
//   history.Delivered(client, stream, 1, payload);
//   if (history.violation()) ...;  history.CheckLiveness(live);  history.CheckEnd();
//
// Not thread-safe (the simulation runs on one OS thread).
#ifndef LIMINAL_SIM_INVARIANTS_MESSAGING_HISTORY_H_
#define LIMINAL_SIM_INVARIANTS_MESSAGING_HISTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/time/time.h"
#include "sim/invariants/publish_ledger.h"
#include "sim/invariants/violation.h"

namespace liminal::sim {

class MessagingHistory {
 public:
  // A routing rule as the checker models it: messages published to `source` whose
  // "prio" is at least `min_prio` are copied to `target`.
  struct Route {
    std::string source;
    std::string target;
    int min_prio = 0;
  };
  enum class AckKind { kAccept, kDefer, kReject };

  // `now` gives the virtual time since the run's start, for the reports.
  MessagingHistory(std::function<absl::Duration()> now, std::vector<Route> routes);

  // Every invariant this checker reports, in the order of the comment above.
  static std::vector<std::string> InvariantNames();

  // The payloads the clients send. A message is named "c<client>.<n>", a request
  // "c<client>.r<n>"; a worker answers a pushed request with "done:" + its payload.
  static std::string MessagePayload(std::string_view name, int prio, size_t pad);
  static std::string RequestPayload(std::string_view name);
  // The name inside a payload built above; nullopt for anything else.
  static std::optional<std::string> NameIn(std::string_view payload);
  // What a misbehaving worker (push:answer-wrong-id) answers, under the next correlation id
  // instead of its push's: when that id is another pending push of the same worker, the
  // server rightly resolves that push with it, so a request may get this as its one reply.
  static constexpr std::string_view kWrongIdReply = "stray";

  // --- What clients sent ---
  // `known_channel`: the server has the channel, so the key's duplicates are suppressed.
  void PublishSent(uint32_t client, uint32_t stream, const std::string& channel,
                   const std::string& name, int prio, const std::optional<std::string>& key,
                   bool known_channel);
  void SubscribeSent(uint32_t client, uint32_t stream, const std::string& channel, bool acks,
                     uint32_t max_in_flight);
  void UnsubscribeSent(uint32_t client, uint64_t subscription_id);
  void AckSent(uint32_t client, uint32_t stream, AckKind kind, uint64_t seq);
  void RequestSent(uint32_t client, uint32_t stream, uint64_t conversation_id,
                   const std::string& subject, const std::string& name, bool flagged);
  void RegisterSent(uint32_t client, const std::string& queue);
  // The client closed the conversation: its pending requests may end silently.
  void ConversationCloseSent(uint32_t client, uint64_t conversation_id);

  // --- What clients received ---
  void PublishAcked(uint32_t client, uint32_t stream, uint64_t message_id, bool delivered_flag);
  void PublishFailed(uint32_t client, uint32_t stream, uint16_t code);
  void SubscribeAcked(uint32_t client, uint32_t stream, uint64_t subscription_id);
  void SubscribeFailed(uint32_t client, uint32_t stream, uint16_t code);
  void Delivered(uint32_t client, uint32_t stream, uint64_t seq, std::string_view payload);
  void ReplyReceived(uint32_t client, uint32_t stream, std::string_view payload);
  void ConversationErrorReceived(uint32_t client, uint32_t stream, uint16_t code);
  void RegisterAnswered(uint32_t client, bool accepted);
  void PushReceived(uint32_t client, std::string_view payload);

  // --- What the harness knows ---
  // The server released the client's connection (the supervisor's release event).
  void ConnectionReleased(uint32_t client);
  bool Released(uint32_t client) const;

  // The first violation found by the incremental checks, if any.
  const std::optional<Violation>& violation() const { return violation_; }
  // The liveness check, once the faults are over and the workload has settled: `live[c]`
  // says client c's connection is still open at both ends.
  std::optional<Violation> CheckLiveness(const std::vector<bool>& live) const;
  // CheckLiveness, keeping its violation as violation() (for a check run from a fiber).
  void CheckLivenessNow(const std::vector<bool>& live);
  std::optional<Violation> CheckEnd() const;

  size_t publishes() const { return publishes_.size(); }
  size_t deliveries() const { return deliveries_; }
  size_t requests() const { return requests_.size(); }

 private:
  using Tick = uint64_t;  // the order of records; every record gets the next one
  static constexpr size_t kNone = ~size_t{0};

  struct Publish {
    uint32_t client = 0;
    std::string channel;
    std::string name;
    int prio = 0;
    Tick sent = 0;
    absl::Duration sent_at;
    size_t original = kNone;  // a duplicate (same key, same client, known channel): its original
    enum class Answer { kNone, kAcked, kFailed } answer = Answer::kNone;
    uint64_t id = 0;
    bool delivered_flag = false;
    Tick answered = 0;
    absl::Duration answered_at;
  };
  struct Subscription {
    uint32_t client = 0;
    uint32_t stream = 0;
    std::string channel;
    bool acks = false;
    uint32_t max_in_flight = 0;
    Tick sent = 0;
    bool acked = false;
    Tick acked_tick = 0;
    uint64_t id = 0;
    bool failed = false;  // SubscribeError: refused, or shed after the ack
    Tick failed_tick = 0;
    uint16_t failed_code = 0;
    uint64_t next_seq = 1;
    absl::btree_map<size_t, int> received;           // publish -> deliveries
    std::vector<size_t> first_deliveries;            // publish, in arrival order
    absl::btree_map<uint64_t, size_t> outstanding;   // seq -> publish (ACKS, not yet acked)
    absl::btree_map<size_t, int> redeliveries_owed;  // publish -> Defers not yet redelivered
  };
  struct Request {
    uint32_t client = 0;
    uint32_t stream = 0;
    uint64_t conversation_id = 0;
    std::string subject;
    std::string name;
    bool flagged = false;
    Tick sent = 0;
    absl::Duration sent_at;
    int outcomes = 0;
  };
  struct Registration {
    std::string queue;
    Tick sent = 0;
    bool accepted = false;
    Tick answered = 0;
  };
  struct ClientState {
    absl::btree_map<uint32_t, size_t> publish_on_stream;
    absl::btree_map<uint32_t, size_t> subscription_on_stream;
    absl::btree_map<uint32_t, size_t> request_on_stream;
    absl::btree_map<std::pair<std::string, std::string>, size_t> first_with_key;  // channel, key
    std::vector<std::pair<Tick, uint64_t>> unsubscribes;
    std::vector<std::pair<Tick, uint64_t>> conversation_closes;
    std::vector<Registration> registrations;
    size_t registrations_answered = 0;
    std::optional<size_t> current_registration;  // the newest accepted one
    std::optional<Tick> released;
  };

  Tick Next() { return ++tick_; }
  ClientState& Client(uint32_t client);
  void Fail(std::string invariant, std::string detail);
  bool Routes(const Publish& publish, const std::string& target) const;
  bool Unsubscribed(const Subscription& s) const;
  bool ClosedAfter(const Request& r) const;
  std::string DescribeSubscription(const Subscription& s) const;
  std::string DescribeMessage(const Publish& p) const;
  std::string DescribeRequest(const Request& r) const;
  std::string At(absl::Duration t) const;
  std::optional<Violation> CheckPrefix(const Subscription& s) const;
  std::optional<Violation> CheckDeliveredFlag(size_t index) const;

  std::function<absl::Duration()> now_;
  const std::vector<Route> routes_;
  Tick tick_ = 0;
  std::vector<Publish> publishes_;
  absl::btree_map<std::string, size_t> publish_by_name_;
  std::vector<Subscription> subscriptions_;
  std::vector<Request> requests_;
  absl::btree_map<std::string, size_t> request_by_name_;
  absl::btree_map<uint32_t, ClientState> clients_;
  PublishLedger ledger_;
  size_t deliveries_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_INVARIANTS_MESSAGING_HISTORY_H_
