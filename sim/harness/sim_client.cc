#include "sim/harness/sim_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/protocol/frame_encoder.h"

namespace liminal::sim {
namespace {

using protocol::Frame;
using protocol::MakeFrame;

constexpr const char* kChannels[] = {"orders", "events", "audit", "nonexistent"};
constexpr const char* kSubjects[] = {"echo", "slow", "mute"};

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
                     SimNetwork& network, FiberKernel& kernel, uint64_t seed, bool strict_handshake)
    : index_(index),
      spec_(spec),
      server_(server),
      strict_handshake_(strict_handshake),
      network_(network),
      kernel_(kernel),
      trace_(kernel.trace()),
      rng_(seed) {}

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
      // Half the subscriptions acknowledge (ACKS: credit applies), half follow the reference.
      SendFrame(MakeFrame(protocol::Subscribe{kChannels[op.arg % 4], {}, 16}, NextStream(),
                          (op.arg / 4) % 2 == 0 ? protocol::kFlagAcks : 0));
      return;
    case ClientOpKind::kUnsubscribe:
      SendFrame(MakeFrame(protocol::Unsubscribe{op.arg}, NextStream()));
      return;
    case ClientOpKind::kPublish:
      SendFrame(
          MakeFrame(protocol::Publish{kChannels[op.arg % 4],
                                      MakeEnvelope(std::string(op.arg2 % 200, 'p')), std::nullopt},
                    NextStream()));
      return;
    case ClientOpKind::kOpenConversation:
      SendFrame(
          MakeFrame(protocol::ConversationOpen{op.arg, kSubjects[op.arg2 % 3]}, NextStream()));
      return;
    case ClientOpKind::kConversationMessage:
      SendFrame(MakeFrame(protocol::ConversationMessage{op.arg, MakeEnvelope("ask")}, NextStream(),
                          (op.arg2 % 2) == 1 ? protocol::kFlagReplyRequested : 0));
      return;
    case ClientOpKind::kCloseConversation:
      SendFrame(
          MakeFrame(protocol::ConversationClose{op.arg, std::nullopt, std::nullopt}, NextStream()));
      return;
    case ClientOpKind::kRegisterWorker:
    case ClientOpKind::kRegisterRejected: {
      protocol::WorkerRegister registration;
      registration.namespaces = {"default"};
      registration.task_queue = op.kind == ClientOpKind::kRegisterWorker ? "jobs" : "reject-jobs";
      registration.activity_types = {"resize"};
      registration.identity = absl::StrCat("worker-", index_);
      SendFrame(MakeFrame(std::move(registration)));
      return;
    }
    case ClientOpKind::kPing:
      SendFrame(MakeFrame(protocol::Ping{}));
      return;
    case ClientOpKind::kAck:
      SendFrame(MakeFrame(protocol::Accept{absl::StrCat(op.arg)}, NextStream()));
      return;
    case ClientOpKind::kGarbage: {
      std::string noise(1 + op.arg % 48, '\0');
      for (char& c : noise) c = static_cast<char>(rng_.Next() & 0xFF);
      trace_.Add(TraceKind::kClientFrame, index_, 0, 0,
                 absl::StrCat(noise.size(), " bytes of garbage"));
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
      const Frame reply = MakeFrame(protocol::PushReply{push.correlation_id, "done"}, 1);
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
          SendFrame(MakeFrame(protocol::PushReply{push.correlation_id + 1, "stray"}, 1));
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
