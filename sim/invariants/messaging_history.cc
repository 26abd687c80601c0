#include "sim/invariants/messaging_history.h"

#include "absl/strings/str_cat.h"
#include "core/protocol/reason_code.h"

namespace liminal::sim {

MessagingHistory::MessagingHistory(std::function<absl::Duration()> now, std::vector<Route> routes)
    : now_(std::move(now)), routes_(std::move(routes)) {}

std::vector<std::string> MessagingHistory::InvariantNames() {
  return {"no-phantom-messages", "delivery-seq",    "credit",   "duplicates", "routing",
          "conversations",       "worker-dispatch", "liveness", "delivery",   "delivered-flag",
          "ids-never-reused"};
}

std::string MessagingHistory::MessagePayload(std::string_view name, int prio, size_t pad) {
  return absl::StrCat("{\"m\":\"", std::string(name), "\",\"prio\":", prio, ",\"pad\":\"",
                      std::string(pad, 'p'), "\"}");
}

std::string MessagingHistory::RequestPayload(std::string_view name) {
  return absl::StrCat("{\"m\":\"", std::string(name), "\"}");
}

std::optional<std::string> MessagingHistory::NameIn(std::string_view payload) {
  constexpr std::string_view kKey = "{\"m\":\"";
  const size_t start = payload.find(kKey);
  if (start == std::string_view::npos) return std::nullopt;
  const size_t from = start + kKey.size();
  const size_t end = payload.find('"', from);
  if (end == std::string_view::npos || end == from) return std::nullopt;
  return std::string(payload.substr(from, end - from));
}

MessagingHistory::ClientState& MessagingHistory::Client(uint32_t client) {
  return clients_[client];
}

void MessagingHistory::Fail(std::string invariant, std::string detail) {
  if (violation_.has_value()) return;
  violation_ = Violation{std::move(invariant), std::move(detail)};
}

std::string MessagingHistory::At(absl::Duration t) const { return absl::FormatDuration(t); }

bool MessagingHistory::Routes(const Publish& publish, const std::string& target) const {
  for (const Route& route : routes_) {
    if (route.source == publish.channel && route.target == target &&
        publish.prio >= route.min_prio) {
      return true;
    }
  }
  return false;
}

bool MessagingHistory::Unsubscribed(const Subscription& s) const {
  if (!s.acked) return false;
  auto it = clients_.find(s.client);
  if (it == clients_.end()) return false;
  for (const auto& [tick, id] : it->second.unsubscribes) {
    if (id == s.id && tick > s.sent) return true;
  }
  return false;
}

std::string MessagingHistory::DescribeSubscription(const Subscription& s) const {
  return absl::StrCat(
      "client ", s.client, "'s subscription ",
      s.acked ? absl::StrCat(s.id) : std::string("(unacknowledged)"), " to '", s.channel,
      "' (stream ", s.stream,
      s.acks ? absl::StrCat(", ACKS, max_in_flight ", s.max_in_flight) : std::string(", no ACKS"),
      ")");
}

std::string MessagingHistory::DescribeMessage(const Publish& p) const {
  std::string text = p.answer == Publish::Answer::kAcked
                         ? absl::StrCat("message ", p.id, " of '", p.channel, "' (", p.name, ", ")
                         : absl::StrCat("message ", p.name, " of '", p.channel, "' (");
  absl::StrAppend(&text, "published by client ", p.client, " at ", At(p.sent_at));
  if (p.answer == Publish::Answer::kAcked) {
    absl::StrAppend(&text, ", acknowledged at ", At(p.answered_at));
  } else if (p.answer == Publish::Answer::kNone) {
    absl::StrAppend(&text, ", never answered");
  }
  absl::StrAppend(&text, ")");
  return text;
}

std::string MessagingHistory::DescribeRequest(const Request& r) const {
  return absl::StrCat("client ", r.client, "'s request ", r.name, " (conversation ",
                      r.conversation_id, ", subject '", r.subject, "', stream ", r.stream,
                      ", sent at ", At(r.sent_at), ")");
}

// ---------------------------------------------------------------------------------------
// Sends

void MessagingHistory::PublishSent(uint32_t client, uint32_t stream, const std::string& channel,
                                   const std::string& name, int prio,
                                   const std::optional<std::string>& key, bool known_channel) {
  ClientState& c = Client(client);
  Publish p;
  p.client = client;
  p.channel = channel;
  p.name = name;
  p.prio = prio;
  p.sent = Next();
  p.sent_at = now_();
  const size_t index = publishes_.size();
  if (key.has_value() && known_channel) {
    auto [it, first] = c.first_with_key.emplace(std::make_pair(channel, *key), index);
    if (!first) p.original = it->second;
  }
  publishes_.push_back(std::move(p));
  publish_by_name_[name] = index;
  c.publish_on_stream[stream] = index;
}

void MessagingHistory::SubscribeSent(uint32_t client, uint32_t stream, const std::string& channel,
                                     bool acks, uint32_t max_in_flight) {
  Subscription s;
  s.client = client;
  s.stream = stream;
  s.channel = channel;
  s.acks = acks;
  s.max_in_flight = max_in_flight;
  s.sent = Next();
  Client(client).subscription_on_stream[stream] = subscriptions_.size();
  subscriptions_.push_back(std::move(s));
}

void MessagingHistory::UnsubscribeSent(uint32_t client, uint64_t subscription_id) {
  Client(client).unsubscribes.emplace_back(Next(), subscription_id);
}

void MessagingHistory::AckSent(uint32_t client, uint32_t stream, AckKind kind, uint64_t seq) {
  Next();
  ClientState& c = Client(client);
  auto it = c.subscription_on_stream.find(stream);
  if (it == c.subscription_on_stream.end()) return;
  Subscription& s = subscriptions_[it->second];
  if (kind == AckKind::kAccept) {
    s.outstanding.erase(s.outstanding.begin(), s.outstanding.upper_bound(seq));
    return;
  }
  auto delivery = s.outstanding.find(seq);
  if (delivery == s.outstanding.end()) return;
  if (kind == AckKind::kDefer) ++s.redeliveries_owed[delivery->second];
  s.outstanding.erase(delivery);
}

void MessagingHistory::RequestSent(uint32_t client, uint32_t stream, uint64_t conversation_id,
                                   const std::string& subject, const std::string& name,
                                   bool flagged) {
  Request r;
  r.client = client;
  r.stream = stream;
  r.conversation_id = conversation_id;
  r.subject = subject;
  r.name = name;
  r.flagged = flagged;
  r.sent = Next();
  r.sent_at = now_();
  Client(client).request_on_stream[stream] = requests_.size();
  request_by_name_[name] = requests_.size();
  requests_.push_back(std::move(r));
}

void MessagingHistory::ConversationCloseSent(uint32_t client, uint64_t conversation_id) {
  Client(client).conversation_closes.emplace_back(Next(), conversation_id);
}

bool MessagingHistory::ClosedAfter(const Request& r) const {
  auto it = clients_.find(r.client);
  if (it == clients_.end()) return false;
  for (const auto& [tick, id] : it->second.conversation_closes) {
    if (id == r.conversation_id && tick > r.sent) return true;
  }
  return false;
}

void MessagingHistory::RegisterSent(uint32_t client, const std::string& queue) {
  Client(client).registrations.push_back({.queue = queue, .sent = Next()});
}

// ---------------------------------------------------------------------------------------
// Receipts

void MessagingHistory::PublishAcked(uint32_t client, uint32_t stream, uint64_t message_id,
                                    bool delivered_flag) {
  const Tick tick = Next();
  ClientState& c = Client(client);
  auto it = c.publish_on_stream.find(stream);
  if (it == c.publish_on_stream.end()) return;  // not a publish of ours (the wire check's job)
  Publish& p = publishes_[it->second];
  if (p.answer != Publish::Answer::kNone) {
    Fail("duplicates", absl::StrCat("client ", client, " was answered twice for ",
                                    DescribeMessage(p), ": again with message id ", message_id));
    return;
  }
  p.answer = Publish::Answer::kAcked;
  p.id = message_id;
  p.delivered_flag = delivered_flag;
  p.answered = tick;
  p.answered_at = now_();
  if (p.original != kNone) {
    const Publish& original = publishes_[p.original];
    if (original.answer == Publish::Answer::kAcked && original.id != message_id) {
      Fail("duplicates",
           absl::StrCat("client ", client, "'s publish ", p.name,
                        " repeats the idempotency key of ", DescribeMessage(original),
                        " but was acknowledged as message ", message_id, ", not the original id"));
    } else if (delivered_flag) {
      Fail("duplicates", absl::StrCat("client ", client, "'s publish ", p.name,
                                      " repeats the idempotency key of ", DescribeMessage(original),
                                      " but its PublishAck has the DELIVERED bit set"));
    }
    return;  // a duplicate names the original's id: not a new message for the ledger
  }
  if (std::optional<std::string> reused = ledger_.Acked(p.channel, p.name, message_id)) {
    Fail("ids-never-reused", *std::move(reused));
  }
}

void MessagingHistory::PublishFailed(uint32_t client, uint32_t stream, uint16_t code) {
  (void)code;
  const Tick tick = Next();
  ClientState& c = Client(client);
  auto it = c.publish_on_stream.find(stream);
  if (it == c.publish_on_stream.end()) return;
  Publish& p = publishes_[it->second];
  p.answer = Publish::Answer::kFailed;
  p.answered = tick;
  p.answered_at = now_();
  ledger_.Failed(p.channel, p.name);
}

void MessagingHistory::SubscribeAcked(uint32_t client, uint32_t stream, uint64_t subscription_id) {
  const Tick tick = Next();
  ClientState& c = Client(client);
  auto it = c.subscription_on_stream.find(stream);
  if (it == c.subscription_on_stream.end()) return;
  Subscription& s = subscriptions_[it->second];
  s.acked = true;
  s.acked_tick = tick;
  s.id = subscription_id;
}

void MessagingHistory::SubscribeFailed(uint32_t client, uint32_t stream, uint16_t code) {
  const Tick tick = Next();
  ClientState& c = Client(client);
  auto it = c.subscription_on_stream.find(stream);
  if (it == c.subscription_on_stream.end()) return;
  Subscription& s = subscriptions_[it->second];
  if (s.failed) {
    Fail("delivery", absl::StrCat(DescribeSubscription(s), " got a second SubscribeError (0x",
                                  absl::Hex(code), ")"));
    return;
  }
  // A live subscription ends with an error only when it is shed (E_SLOW_CONSUMER), or when
  // a durable replay cannot read its log (E_STORAGE).
  if (s.acked && code != protocol::ToWire(protocol::ReasonCode::kSlowConsumer) &&
      code != protocol::ToWire(protocol::ReasonCode::kStorage)) {
    Fail("delivery",
         absl::StrCat(DescribeSubscription(s), " was ended by SubscribeError 0x", absl::Hex(code),
                      " (", std::string(protocol::ReasonCodeName(code)),
                      "); a shed subscription gets E_SLOW_CONSUMER"));
    return;
  }
  s.failed = true;
  s.failed_tick = tick;
  s.failed_code = code;
}

void MessagingHistory::Delivered(uint32_t client, uint32_t stream, uint64_t seq,
                                 std::string_view payload) {
  Next();
  ++deliveries_;
  ClientState& c = Client(client);
  auto it = c.subscription_on_stream.find(stream);
  if (it == c.subscription_on_stream.end()) {
    Fail("no-phantom-messages",
         absl::StrCat("client ", client, " received a Deliver (seq ", seq, ") on stream ", stream,
                      ", where it never subscribed"));
    return;
  }
  Subscription& s = subscriptions_[it->second];
  if (!s.acked) {
    Fail("delivery-seq", absl::StrCat(DescribeSubscription(s), " received delivery ", seq,
                                      " before its SubscribeAck"));
    return;
  }
  if (s.failed) {
    Fail("delivery",
         absl::StrCat(DescribeSubscription(s), " received delivery ", seq,
                      " after its SubscribeError (code 0x", absl::Hex(s.failed_code), ")"));
    return;
  }
  if (seq != s.next_seq) {
    Fail("delivery-seq", absl::StrCat(DescribeSubscription(s), " received delivery_seq ", seq,
                                      " where ", s.next_seq, " was next"));
    return;
  }
  ++s.next_seq;
  const std::optional<std::string> name = NameIn(payload);
  auto published = name.has_value() ? publish_by_name_.find(*name) : publish_by_name_.end();
  if (published == publish_by_name_.end()) {
    Fail("no-phantom-messages",
         absl::StrCat(DescribeSubscription(s), " received delivery ", seq, " with payload '",
                      std::string(payload.substr(0, 60)), "', which nobody published"));
    return;
  }
  const size_t index = published->second;
  const Publish& p = publishes_[index];
  if (p.channel != s.channel) {
    bool routed_here = false;
    for (const Route& route : routes_) {
      if (route.source == p.channel && route.target == s.channel) routed_here = true;
    }
    if (!routed_here) {
      Fail("no-phantom-messages",
           absl::StrCat(DescribeSubscription(s), " received ", DescribeMessage(p),
                        ", which went to another channel"));
      return;
    }
    if (!Routes(p, s.channel)) {
      Fail("routing",
           absl::StrCat(DescribeSubscription(s), " received a routed copy of ", DescribeMessage(p),
                        ", whose prio ", p.prio, " does not match the rule '", p.channel, "' -> '",
                        s.channel, "'"));
      return;
    }
  }
  if (p.original != kNone) {
    Fail("duplicates",
         absl::StrCat(DescribeSubscription(s), " received ", p.name, ", a duplicate publish of ",
                      DescribeMessage(publishes_[p.original]),
                      " (same idempotency key): the duplicate was delivered again"));
    return;
  }
  int& count = s.received[index];
  if (count > 0) {
    auto owed = s.redeliveries_owed.find(index);
    if (owed == s.redeliveries_owed.end() || owed->second == 0) {
      Fail("no-phantom-messages",
           absl::StrCat(DescribeSubscription(s), " received ", DescribeMessage(p),
                        " a second time (delivery ", seq, ") though it never deferred it"));
      return;
    }
    --owed->second;
  } else {
    s.first_deliveries.push_back(index);
  }
  ++count;
  if (s.acks) {
    s.outstanding.emplace(seq, index);
    if (s.outstanding.size() > s.max_in_flight) {
      Fail("credit", absl::StrCat(DescribeSubscription(s), " received delivery ", seq, " (", p.name,
                                  ") with ", s.outstanding.size() - 1,
                                  " deliveries still unacknowledged: ", s.outstanding.size(),
                                  " in flight exceeds max_in_flight ", s.max_in_flight));
    }
  }
}

void MessagingHistory::ReplyReceived(uint32_t client, uint32_t stream, std::string_view payload) {
  Next();
  ClientState& c = Client(client);
  auto it = c.request_on_stream.find(stream);
  if (it == c.request_on_stream.end()) {
    Fail("conversations",
         absl::StrCat("client ", client, " received a conversation reply on stream ", stream,
                      ", where it sent no request"));
    return;
  }
  Request& r = requests_[it->second];
  if (!r.flagged) {
    Fail("conversations", absl::StrCat(DescribeRequest(r),
                                       " did not ask for a reply (flag 0x01 clear) but got one"));
    return;
  }
  if (++r.outcomes > 1) {
    Fail("conversations", absl::StrCat(DescribeRequest(r), " got a second outcome: a reply"));
    return;
  }
  // A worker that answered another of its pushes under this push's correlation id: this
  // request's one outcome, from the server's point of view a correct one.
  if (payload == kWrongIdReply) return;
  std::string_view answer = payload;
  if (answer.starts_with("done:")) answer.remove_prefix(5);
  const std::optional<std::string> name = NameIn(answer);
  if (name != r.name) {
    Fail("conversations",
         absl::StrCat(DescribeRequest(r), " got the reply to ",
                      name.has_value() ? absl::StrCat("request ", *name)
                                       : absl::StrCat("nothing it sent ('",
                                                      std::string(payload.substr(0, 40)), "')"),
                      ": a reply delivered to the wrong request"));
  }
}

void MessagingHistory::ConversationErrorReceived(uint32_t client, uint32_t stream, uint16_t code) {
  Next();
  ClientState& c = Client(client);
  auto it = c.request_on_stream.find(stream);
  if (it == c.request_on_stream.end()) return;  // an Open's or Close's error
  Request& r = requests_[it->second];
  if (++r.outcomes > 1) {
    Fail("conversations",
         absl::StrCat(DescribeRequest(r), " got a second outcome: ConversationError 0x",
                      absl::Hex(code)));
  }
}

void MessagingHistory::RegisterAnswered(uint32_t client, bool accepted) {
  const Tick tick = Next();
  ClientState& c = Client(client);
  if (c.registrations_answered >= c.registrations.size()) return;  // the wire check's job
  const size_t index = c.registrations_answered++;
  Registration& r = c.registrations[index];
  r.accepted = accepted;
  r.answered = tick;
  if (accepted) c.current_registration = index;
}

void MessagingHistory::PushReceived(uint32_t client, std::string_view payload) {
  Next();
  const std::optional<std::string> name = NameIn(payload);
  if (!name.has_value()) return;  // the application's own push
  auto it = request_by_name_.find(*name);
  if (it == request_by_name_.end()) {
    Fail("worker-dispatch",
         absl::StrCat("client ", client, " was pushed request ", *name, ", which nobody sent"));
    return;
  }
  const Request& r = requests_[it->second];
  constexpr std::string_view kPrefix = "worker.";
  if (!std::string_view(r.subject).starts_with(kPrefix)) {
    Fail("worker-dispatch", absl::StrCat("client ", client, " was pushed ", DescribeRequest(r),
                                         ", which is not a worker conversation"));
    return;
  }
  const std::string queue = r.subject.substr(kPrefix.size());
  const ClientState& c = Client(client);
  Tick last_sent_for_queue = 0;
  for (const Registration& reg : c.registrations) {
    if (reg.queue == queue) last_sent_for_queue = reg.sent;
  }
  if (last_sent_for_queue == 0) {
    Fail("worker-dispatch", absl::StrCat("client ", client, " was pushed ", DescribeRequest(r),
                                         " but never registered for task queue '", queue, "'"));
    return;
  }
  if (!c.current_registration.has_value()) return;
  const Registration& current = c.registrations[*c.current_registration];
  if (current.queue != queue && current.answered < r.sent && last_sent_for_queue < current.sent) {
    Fail("worker-dispatch",
         absl::StrCat("client ", client, " was pushed ", DescribeRequest(r),
                      " although its registration for task queue '", queue,
                      "' had been replaced by one for '", current.queue,
                      "', accepted before the request was sent: a push to a connection not "
                      "registered for the queue"));
  }
}

void MessagingHistory::ConnectionReleased(uint32_t client) {
  ClientState& c = Client(client);
  if (!c.released.has_value()) c.released = Next();
}

bool MessagingHistory::Released(uint32_t client) const {
  auto it = clients_.find(client);
  return it != clients_.end() && it->second.released.has_value();
}

// ---------------------------------------------------------------------------------------
// Liveness and the end of the run

void MessagingHistory::CheckLivenessNow(const std::vector<bool>& live) {
  if (violation_.has_value()) return;
  if (std::optional<Violation> v = CheckLiveness(live)) violation_ = std::move(v);
}

std::optional<Violation> MessagingHistory::CheckLiveness(const std::vector<bool>& live) const {
  auto is_live = [&](uint32_t client) { return client < live.size() && live[client]; };
  for (const Publish& p : publishes_) {
    if (is_live(p.client) && p.answer == Publish::Answer::kNone) {
      return Violation{"liveness",
                       absl::StrCat("client ", p.client, " never got an answer to ",
                                    DescribeMessage(p), ", though its connection is open")};
    }
  }
  for (const Request& r : requests_) {
    if (is_live(r.client) && r.flagged && r.outcomes == 0 && !ClosedAfter(r)) {
      return Violation{"liveness", absl::StrCat(DescribeRequest(r),
                                                " never got a reply or an error, though its "
                                                "connection is open")};
    }
  }
  for (const Subscription& s : subscriptions_) {
    if (!is_live(s.client) || s.failed) continue;
    if (!s.acked) {
      return Violation{"liveness", absl::StrCat(DescribeSubscription(s),
                                                " never got a SubscribeAck or SubscribeError")};
    }
    if (Unsubscribed(s)) continue;
    for (size_t i = 0; i < publishes_.size(); ++i) {
      const Publish& p = publishes_[i];
      if (p.answer != Publish::Answer::kAcked || p.original != kNone || p.sent < s.acked_tick) {
        continue;
      }
      if (p.channel != s.channel && !Routes(p, s.channel)) continue;
      if (s.received.contains(i)) continue;
      return Violation{
          "liveness",
          absl::StrCat(DescribeSubscription(s), " never received ", DescribeMessage(p),
                       p.channel != s.channel ? absl::StrCat(" (routed from '", p.channel, "')")
                                              : std::string(),
                       "; it is still subscribed and its connection is open")};
    }
  }
  return std::nullopt;
}

std::optional<Violation> MessagingHistory::CheckPrefix(const Subscription& s) const {
  // Message-id order of the direct publishes it received the first time.
  uint64_t last_id = 0;
  const Publish* last = nullptr;
  for (size_t index : s.first_deliveries) {
    const Publish& p = publishes_[index];
    if (p.channel != s.channel || p.answer != Publish::Answer::kAcked) continue;
    if (p.id <= last_id) {
      return Violation{
          "delivery", absl::StrCat(DescribeSubscription(s), " received ", DescribeMessage(p),
                                   " after ", DescribeMessage(*last), ": out of message-id order")};
    }
    last_id = p.id;
    last = &p;
  }
  if (last == nullptr) return std::nullopt;
  // A prefix: everything acknowledged after its SubscribeAck, below the newest it got.
  for (size_t i = 0; i < publishes_.size(); ++i) {
    const Publish& p = publishes_[i];
    if (p.channel != s.channel || p.answer != Publish::Answer::kAcked || p.original != kNone ||
        p.sent < s.acked_tick || p.id >= last_id || s.received.contains(i)) {
      continue;
    }
    return Violation{"delivery", absl::StrCat(DescribeSubscription(s), " never received ",
                                              DescribeMessage(p), " but did receive ",
                                              DescribeMessage(*last), ": a gap in its deliveries")};
  }
  return std::nullopt;
}

std::optional<Violation> MessagingHistory::CheckDeliveredFlag(size_t index) const {
  const Publish& p = publishes_[index];
  if (p.answer != Publish::Answer::kAcked || p.original != kNone) return std::nullopt;
  if (!p.delivered_flag) {
    for (const Subscription& s : subscriptions_) {
      if (s.channel == p.channel && s.received.contains(index)) {
        return Violation{
            "delivered-flag",
            absl::StrCat(DescribeMessage(p), " was acknowledged with the DELIVERED bit clear, but ",
                         DescribeSubscription(s), " received it")};
      }
    }
    return std::nullopt;
  }
  // Set: some subscription to the channel could have queued it when it was published.
  for (const Subscription& s : subscriptions_) {
    if (s.channel != p.channel || s.sent > p.answered) continue;
    if (s.failed && (!s.acked || s.failed_tick < p.sent)) continue;  // refused, or shed before
    const auto c = clients_.find(s.client);
    if (c != clients_.end() && c->second.released.has_value() && *c->second.released < p.sent) {
      continue;  // its connection was gone before the publish was sent
    }
    return std::nullopt;
  }
  return Violation{
      "delivered-flag",
      absl::StrCat(DescribeMessage(p),
                   " was acknowledged with the DELIVERED bit set, but no subscription to '",
                   p.channel, "' was live when it was published")};
}

std::optional<Violation> MessagingHistory::CheckEnd() const {
  if (violation_.has_value()) return violation_;
  for (const Subscription& s : subscriptions_) {
    if (std::optional<Violation> v = CheckPrefix(s)) return v;
  }
  for (size_t i = 0; i < publishes_.size(); ++i) {
    if (std::optional<Violation> v = CheckDeliveredFlag(i)) return v;
  }
  return std::nullopt;
}

}  // namespace liminal::sim
