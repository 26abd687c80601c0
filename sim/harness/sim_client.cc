#include "sim/harness/sim_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/protocol/frame_encoder.h"

namespace liminal::sim {
namespace {

using protocol::Frame;
using protocol::MakeFrame;

constexpr const char* kChannels[] = {"orders", "events", "audit", "nonexistent"};
// A conversation id encodes its subject (slot * 8 + subject), so a request's subject never
// depends on which Open the server took.
constexpr const char* kSubjects[] = {"echo", "slow", "mute", "worker.jobs", "worker.emails"};
constexpr uint32_t kSubjectCount = 5;
constexpr const char* kQueues[] = {"jobs", "emails"};

absl::Duration Us(uint32_t us) { return absl::Microseconds(us); }

LinkParams ToLink(const LinkSpec& spec) {
  return LinkParams{Us(spec.latency_us), Us(spec.jitter_us), spec.max_chunk};
}

protocol::Envelope MakeEnvelope(std::string payload) {
  protocol::Envelope envelope;
  envelope.payload = std::move(payload);
  return envelope;
}

}  // namespace

SimClient::SimClient(uint32_t index, const ClientSpec& spec, const ServerSpec& server,
                     SimNetwork& network, FiberKernel& kernel, uint64_t seed, bool strict_handshake,
                     MessagingHistory* history)
    : index_(index),
      spec_(spec),
      server_(server),
      strict_handshake_(strict_handshake),
      network_(network),
      kernel_(kernel),
      trace_(kernel.trace()),
      rng_(seed),
      history_(history) {}

void SimClient::Start() {
  kernel_.Spawn(absl::StrCat("client:", index_), [this] { RunScript(); });
}

uint32_t SimClient::NextStream() {
  const uint32_t stream = next_stream_;
  next_stream_ += 2;
  return stream;
}

void SimClient::WireViolation(std::string what) {
  if (!wire_violation_.has_value()) {
    wire_violation_ = absl::StrCat("client ", index_, ": ", what);
  }
}

void SimClient::RunScript() {
  kernel_.SleepUntil(kernel_.start() + Us(spec_.start_us));
  ConnectionParams params;
  params.client_to_server = ToLink(spec_.to_server);
  params.server_to_client = ToLink(spec_.to_client);
  params.accept_delay = Us(spec_.accept_delay_us);
  params.window = spec_.window == 0 ? 1 : spec_.window;
  params.peer_address = absl::StrCat("10.0.1.", index_ % 250, ":", 40000 + index_);
  conn_ = network_.Connect(params);
  kernel_.Spawn(absl::StrCat("client:", index_, ":reader"), [this] { RunReader(); });
  for (const ClientOp& op : spec_.ops) {
    if (op.delay_us > 0) kernel_.SleepFor(Us(op.delay_us));
    if (closed_by_us_ || reader_done_) break;
    RunOp(op);
  }
}

void SimClient::SendFrame(const Frame& frame) {
  std::string bytes;
  if (!protocol::EncodeFrame(frame, bytes).ok()) {
    WireViolation("the harness built a frame that does not encode");
    return;
  }
  trace_.Add(TraceKind::kClientFrame, index_, 0, frame.type_id());
  network_.Write(conn_, std::move(bytes));
}

void SimClient::RunOp(const ClientOp& op) {
  const std::string token = server_.auth ? "secret" : "";
  switch (op.kind) {
    case ClientOpKind::kHandshake:
      SendFrame(MakeFrame(protocol::Connect{{1, 0}, {1, 0}, token}));
      return;
    case ClientOpKind::kHandshakeBadVersion:
      SendFrame(MakeFrame(protocol::Connect{{2, 0}, {2, 0}, token}));
      return;
    case ClientOpKind::kHandshakeBadToken:
      SendFrame(MakeFrame(protocol::Connect{{1, 0}, {1, 0}, "wrong-token"}));
      return;
    case ClientOpKind::kSubscribe:
      Subscribe(op);
      return;
    case ClientOpKind::kUnsubscribe:
      if (history_ != nullptr) history_->UnsubscribeSent(index_, op.arg);
      SendFrame(MakeFrame(protocol::Unsubscribe{op.arg}, NextStream()));
      return;
    case ClientOpKind::kPublish:
    case ClientOpKind::kPublishKeyed:
      Publish(op);
      return;
    case ClientOpKind::kOpenConversation: {
      const uint64_t id = op.arg * 8 + op.arg2 % kSubjectCount;
      conversation_of_slot_[op.arg] = id;
      SendFrame(MakeFrame(protocol::ConversationOpen{id, kSubjects[op.arg2 % kSubjectCount]},
                          NextStream()));
      return;
    }
    case ClientOpKind::kConversationMessage:
    case ClientOpKind::kCloseConversation:
      ConversationFrame(op);
      return;
    case ClientOpKind::kRegisterWorker:
    case ClientOpKind::kRegisterRejected: {
      protocol::WorkerRegister registration;
      registration.namespaces = {"default"};
      registration.task_queue = op.kind == ClientOpKind::kRegisterWorker
                                    ? kQueues[op.arg % 2]
                                    : absl::StrCat("reject-", kQueues[op.arg % 2]);
      registration.activity_types = {"resize"};
      registration.identity = absl::StrCat("worker-", index_);
      if (history_ != nullptr) history_->RegisterSent(index_, registration.task_queue);
      SendFrame(MakeFrame(std::move(registration)));
      return;
    }
    case ClientOpKind::kPing:
      SendFrame(MakeFrame(protocol::Ping{}));
      return;
    case ClientOpKind::kAck:
      ManualAccept(op);
      return;
    case ClientOpKind::kGarbage: {
      std::string noise(1 + op.arg % 48, '\0');
      for (char& c : noise) c = static_cast<char>(rng_.Next() & 0xFF);
      trace_.Add(TraceKind::kClientFrame, index_, 0, 0,
                 absl::StrCat(noise.size(), " bytes of garbage"));
      sent_malformed_ = true;
      network_.Write(conn_, std::move(noise));
      return;
    }
    case ClientOpKind::kOversize: {
      std::string bytes;
      const Frame big = MakeFrame(
          protocol::Publish{"orders",
                            MakeEnvelope(std::string(server_.max_frame_bytes + op.arg % 64, 'x')),
                            std::nullopt},
          NextStream());
      if (!protocol::EncodeFrame(big, bytes).ok()) return;
      // The header alone must be enough for the server to refuse it.
      bytes.resize(10 + op.arg % 32);
      trace_.Add(TraceKind::kClientFrame, index_, 0, big.type_id(), "oversize header");
      sent_malformed_ = true;
      network_.Write(conn_, std::move(bytes));
      return;
    }
    case ClientOpKind::kTruncated: {
      std::string bytes;
      if (!protocol::EncodeFrame(
               MakeFrame(protocol::Publish{"orders", MakeEnvelope("half"), std::nullopt},
                         NextStream()),
               bytes)
               .ok()) {
        return;
      }
      bytes.resize(bytes.size() / 2);
      trace_.Add(TraceKind::kClientFrame, index_, 0, 0, "truncated frame");
      sent_malformed_ = true;
      network_.Write(conn_, std::move(bytes));
      return;
    }
    case ClientOpKind::kUnknownFrameType:
      SendFrame(MakeFrame(protocol::UnknownFrame{0x7F, "future"}, NextStream()));
      return;
    case ClientOpKind::kDisconnectFrame:
      SendFrame(MakeFrame(protocol::Disconnect{}));
      return;
    case ClientOpKind::kHalfClose:
      closed_by_us_ = true;
      network_.ShutdownWrite(conn_);
      return;
    case ClientOpKind::kReset:
      closed_by_us_ = true;
      network_.Reset(conn_);
      return;
  }
}

void SimClient::Publish(const ClientOp& op) {
  const std::string channel = kChannels[op.arg % 4];
  const std::string name = absl::StrCat("c", index_, ".", ++messages_sent_);
  std::optional<std::string> key;
  int prio = static_cast<int>(op.arg2 % 10);
  size_t pad = op.arg2 % 200;
  if (op.kind == ClientOpKind::kPublishKeyed) {
    key = absl::StrCat("k", index_, ".", op.arg2 % 4);
    prio = static_cast<int>((op.arg2 / 4) % 10);
    pad = op.arg2 % 16;
  }
  const uint32_t stream = NextStream();
  if (history_ != nullptr)
    history_->PublishSent(index_, stream, channel, name, prio, key, op.arg % 4 != 3);
  SendFrame(MakeFrame(
      protocol::Publish{channel, MakeEnvelope(MessagingHistory::MessagePayload(name, prio, pad)),
                        key},
      stream));
}

void SimClient::Subscribe(const ClientOp& op) {
  // Half the subscriptions acknowledge (ACKS: credit applies), half follow the reference.
  const bool acks = (op.arg / 4) % 2 == 0;
  const uint32_t max_in_flight = op.arg2 == 0 ? 16 : op.arg2;
  const uint32_t stream = NextStream();
  subscriptions_[stream].acks = acks;
  subscription_streams_.push_back(stream);
  if (history_ != nullptr) {
    history_->SubscribeSent(index_, stream, kChannels[op.arg % 4], acks, max_in_flight);
  }
  SendFrame(MakeFrame(protocol::Subscribe{kChannels[op.arg % 4], {}, max_in_flight}, stream,
                      acks ? protocol::kFlagAcks : 0));
}

void SimClient::ConversationFrame(const ClientOp& op) {
  auto slot = conversation_of_slot_.find(op.arg);
  const uint64_t id = slot != conversation_of_slot_.end() ? slot->second : op.arg * 8;
  const uint32_t stream = NextStream();
  if (op.kind == ClientOpKind::kCloseConversation) {
    if (history_ != nullptr) history_->ConversationCloseSent(index_, id);
    SendFrame(MakeFrame(protocol::ConversationClose{id, std::nullopt, std::nullopt}, stream));
    return;
  }
  const bool flagged = (op.arg2 % 2) == 1;
  const std::string name = absl::StrCat("c", index_, ".r", ++requests_sent_);
  if (history_ != nullptr) {
    history_->RequestSent(index_, stream, id, kSubjects[id % 8 % kSubjectCount], name, flagged);
  }
  SendFrame(MakeFrame(
      protocol::ConversationMessage{id, MakeEnvelope(MessagingHistory::RequestPayload(name))},
      stream, flagged ? protocol::kFlagReplyRequested : 0));
}

void SimClient::ManualAccept(const ClientOp& op) {
  // arg: which of this client's subscriptions (1 = its first Subscribe); arg2: the seq, or
  // 0 for the newest delivery. No such subscription: an Accept on a stream of its own.
  if (op.arg == 0 || op.arg > subscription_streams_.size()) {
    SendFrame(MakeFrame(protocol::Accept{absl::StrCat(op.arg2)}, NextStream()));
    return;
  }
  const uint32_t stream = subscription_streams_[op.arg - 1];
  const SubscriptionState& sub = subscriptions_[stream];
  SendAck(stream, MessagingHistory::AckKind::kAccept, op.arg2 == 0 ? sub.highest_seq : op.arg2);
}

void SimClient::SendAck(uint32_t stream, MessagingHistory::AckKind kind, uint64_t seq) {
  if (history_ != nullptr) history_->AckSent(index_, stream, kind, seq);
  const std::string text = absl::StrCat(seq);
  switch (kind) {
    case MessagingHistory::AckKind::kAccept:
      SendFrame(MakeFrame(protocol::Accept{text}, stream));
      return;
    case MessagingHistory::AckKind::kDefer:
      SendFrame(MakeFrame(protocol::Defer{text, std::nullopt}, stream));
      return;
    case MessagingHistory::AckKind::kReject:
      SendFrame(MakeFrame(protocol::Reject{text, std::nullopt}, stream));
      return;
  }
}

void SimClient::Consume(uint32_t stream, uint64_t seq, const protocol::Deliver& deliver) {
  auto it = subscriptions_.find(stream);
  if (it == subscriptions_.end()) return;
  SubscriptionState& sub = it->second;
  sub.highest_seq = std::max(sub.highest_seq, seq);
  if (!sub.acks || closed_by_us_) return;
  const uint64_t roll = rng_.Uniform(100);
  const std::optional<std::string> name = MessagingHistory::NameIn(deliver.envelope.payload);
  if (roll < spec_.ack.defer_percent && name.has_value() && sub.deferred.insert(*name).second) {
    SendAck(stream, MessagingHistory::AckKind::kDefer, seq);
    return;
  }
  if (roll < spec_.ack.defer_percent + spec_.ack.reject_percent) {
    SendAck(stream, MessagingHistory::AckKind::kReject, seq);
    return;
  }
  if (spec_.ack.accept_delay_us == 0) {
    SendAck(stream, MessagingHistory::AckKind::kAccept, seq);
    return;
  }
  kernel_.RunAt(kernel_.Now() + Us(spec_.ack.accept_delay_us),
                absl::StrCat("client:", index_, ":late-accept"), [this, stream, seq] {
                  if (!closed_by_us_ && !reader_done_) {
                    SendAck(stream, MessagingHistory::AckKind::kAccept, seq);
                  }
                });
}

void SimClient::RecordServerFrame(const Frame& frame) {
  const uint32_t stream = frame.stream_id;
  switch (static_cast<protocol::FrameType>(frame.type_id())) {
    case protocol::FrameType::kPublishAck:
      history_->PublishAcked(index_, stream, std::get<protocol::PublishAck>(frame.body).message_id,
                             (frame.flags & protocol::kFlagDelivered) != 0);
      return;
    case protocol::FrameType::kPublishError:
      history_->PublishFailed(index_, stream,
                              std::get<protocol::PublishError>(frame.body).reason_code);
      return;
    case protocol::FrameType::kSubscribeAck:
      history_->SubscribeAcked(index_, stream,
                               std::get<protocol::SubscribeAck>(frame.body).subscription_id);
      return;
    case protocol::FrameType::kSubscribeError:
      subscriptions_.erase(stream);
      history_->SubscribeFailed(index_, stream,
                                std::get<protocol::SubscribeError>(frame.body).reason_code);
      return;
    case protocol::FrameType::kDeliver: {
      const auto& deliver = std::get<protocol::Deliver>(frame.body);
      history_->Delivered(index_, stream, deliver.delivery_seq, deliver.envelope.payload);
      Consume(stream, deliver.delivery_seq, deliver);
      return;
    }
    case protocol::FrameType::kConversationMessage:
      history_->ReplyReceived(index_, stream,
                              std::get<protocol::ConversationMessage>(frame.body).envelope.payload);
      return;
    case protocol::FrameType::kConversationError:
      history_->ConversationErrorReceived(
          index_, stream, std::get<protocol::ConversationError>(frame.body).reason_code);
      return;
    case protocol::FrameType::kWorkerRegisterAck:
      history_->RegisterAnswered(index_,
                                 std::get<protocol::WorkerRegisterAck>(frame.body).accepted());
      return;
    case protocol::FrameType::kPush:
      history_->PushReceived(index_, std::get<protocol::Push>(frame.body).payload);
      return;
    default:
      return;
  }
}

void SimClient::RunReader() {
  for (;;) {
    ClientReadResult read = network_.Read(conn_);
    if (!read.bytes.empty()) {
      inbound_.Append(std::move(read.bytes));
      while (std::optional<Frame> frame = inbound_.Next()) HandleServerFrame(*frame);
      if (const protocol::FrameStreamError* error = inbound_.error()) {
        WireViolation(absl::StrCat("the server wrote a bad frame: ", error->Describe()));
      }
    }
    if (read.eof) {
      if (inbound_.error() == nullptr && inbound_.buffered_bytes() > 0) {
        WireViolation(absl::StrCat("the server closed in the middle of a frame (",
                                   inbound_.buffered_bytes(), " bytes left over)"));
      }
      break;
    }
    if (read.reset) break;
    if (spec_.read_pause_us > 0) kernel_.SleepFor(Us(spec_.read_pause_us));
  }
  reader_done_ = true;
}

void SimClient::HandleServerFrame(const Frame& frame) {
  std::string detail;
  if (history_ != nullptr) RecordServerFrame(frame);
  if (got_connect_error_) {
    WireViolation(absl::StrCat("received ", frame.type_id(), " after a ConnectError"));
  }
  switch (static_cast<protocol::FrameType>(frame.type_id())) {
    case protocol::FrameType::kConnectAck:
      got_connect_ack_ = true;
      break;
    case protocol::FrameType::kConnectError: {
      got_connect_error_ = true;
      const auto& error = std::get<protocol::ConnectError>(frame.body);
      detail =
          absl::StrCat("code=0x", absl::Hex(error.reason_code), " ", error.message.value_or(""));
      break;
    }
    case protocol::FrameType::kDisconnect: {
      ++disconnects_seen_;
      if (disconnects_seen_ > 1) WireViolation("received a second Disconnect");
      const ConnId conn = conn_;
      SimNetwork& network = network_;
      switch (spec_.on_disconnect) {
        case DisconnectPolicy::kClose:
          network_.ShutdownWrite(conn_);
          break;
        case DisconnectPolicy::kCloseLate:
          kernel_.RunAt(kernel_.Now() + Us(spec_.close_delay_us),
                        absl::StrCat("client:", index_, ":late-close"),
                        [&network, conn] { network.ShutdownWrite(conn); });
          break;
        case DisconnectPolicy::kIgnore:
          break;
      }
      break;
    }
    case protocol::FrameType::kPush: {
      const auto& push = std::get<protocol::Push>(frame.body);
      if (strict_handshake_ && !got_connect_ack_) {
        WireViolation(absl::StrCat("received Push (correlation ", push.correlation_id,
                                   ") before the handshake completed (no ConnectAck yet)"));
      }
      detail = absl::StrCat("correlation=", push.correlation_id);
      // A worker answers a dispatched request with "done:" and the request, so the
      // requester's history can tell whose reply it got.
      const Frame reply = MakeFrame(
          protocol::PushReply{push.correlation_id, absl::StrCat("done:", push.payload)}, 1);
      switch (spec_.on_push) {
        case PushPolicy::kAnswer:
          trace_.Add(TraceKind::kClientFrame, index_, 1, frame.type_id(), detail);
          SendFrame(reply);
          return;
        case PushPolicy::kAnswerLate:
          kernel_.RunAt(kernel_.Now() + Us(spec_.answer_delay_us),
                        absl::StrCat("client:", index_, ":late-reply"),
                        [this, reply] { SendFrame(reply); });
          break;
        case PushPolicy::kNever:
          break;
        case PushPolicy::kWrongId:
          // The next correlation id: often another connection's pending push.
          SendFrame(MakeFrame(protocol::PushReply{push.correlation_id + 1,
                                                  std::string(MessagingHistory::kWrongIdReply)},
                              1));
          break;
      }
      break;
    }
    default:
      break;
  }
  trace_.Add(TraceKind::kClientFrame, index_, 1, frame.type_id(), std::move(detail));
}

}  // namespace liminal::sim
