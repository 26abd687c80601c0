#include "core/server/connection_process.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/auth/authenticate.h"
#include "core/protocol/error_reason.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/frame_type.h"
#include "core/server/worker_subject.h"

namespace liminal::server {
namespace {

using protocol::Frame;
using protocol::ReasonCode;

constexpr protocol::Version kSupportedVersion{1, 0};

// std::visit over a set of lambdas.
template <class... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

}  // namespace

ConnectionProcess::ConnectionProcess(ConnectionHost& host, std::shared_ptr<ConnectionState> state,
                                     std::unique_ptr<runtime::Socket> socket,
                                     const ConnectionOptions& options,
                                     runtime::Scheduler& scheduler, runtime::Clock& clock)
    : host_(host),
      state_(std::move(state)),
      socket_(std::move(socket)),
      options_(options),
      scheduler_(scheduler),
      clock_(clock),
      access_(host.metrics(), &options_.access_report, state_->peer_address()),
      frames_in_(host.metrics(), &SupervisorMetrics::FrameIn),
      frames_out_(host.metrics(), &SupervisorMetrics::FrameOut),
      inbound_(options.max_frame_bytes) {}

ConnectionProcess::~ConnectionProcess() {
  if (handshake_timer_ != 0) clock_.Cancel(handshake_timer_);
  if (idle_timer_ != 0) clock_.Cancel(idle_timer_);
  // A crashed process never ran Close(): make sure the socket does not outlive it.
  if (!closing_) socket_->Close();
}

void ConnectionProcess::OnStart(runtime::ProcessContext& ctx) {
  ctx_ = &ctx;
  pid_ = ctx.self();
  last_activity_ = clock_.Now();
  socket_->StartReading(pid_, options_.max_inbox_bytes);
  if (options_.handshake_timeout > absl::ZeroDuration()) {
    ArmTimer(kHandshakeTimer, options_.handshake_timeout);
  }
  if (options_.idle_timeout > absl::ZeroDuration()) {
    ArmTimer(kIdleTimer, options_.idle_timeout);
  }
  ApplyControls();
  FlushOutbound();
  ctx_ = nullptr;
}

void ConnectionProcess::OnMessage(runtime::ProcessContext& ctx, runtime::Message& message) {
  ctx_ = &ctx;
  ApplyControls();
  if (!closing_) {
    if (auto* data = std::get_if<runtime::SocketData>(&message)) {
      const size_t handled = data->bytes.size();
      if (handled > 1 && Buggify(runtime::FaultPoint::kShortRead)) {
        // A short read: the same bytes, handled as two reads split mid-stream.
        std::string rest = data->bytes.substr(handled / 2);
        data->bytes.resize(handled / 2);
        OnBytes(std::move(data->bytes));
        if (!closing_) OnBytes(std::move(rest));
      } else {
        OnBytes(std::move(data->bytes));
      }
      socket_->Consumed(handled);
      if (!closing_ && Buggify(runtime::FaultPoint::kSocketError)) {
        // The socket fails right after a read was handled, before any reply goes out.
        outbound_batch_ = runtime::OutboundBytes();
        Close(CloseRoute::kSocketError);
      }
    } else if (std::holds_alternative<runtime::SocketClosed>(message)) {
      Close(CloseRoute::kPeerClosed);
    } else if (std::holds_alternative<runtime::SocketDrained>(message)) {
      if (reading_paused_) {
        reading_paused_ = false;
        socket_->ResumeReading();
      }
    } else if (auto* timer = std::get_if<runtime::TimerFired>(&message)) {
      OnTimer(timer->tag);
    } else if (auto* task = std::get_if<runtime::Task>(&message)) {
      std::move(task->run)();
    }
    // Wake: the controls were applied above; fall through to the pump.
  }
  if (!closing_ && handshake_done_) state_->session()->Pump(*this);
  FlushOutbound();
  ctx_ = nullptr;
}

void ConnectionProcess::ApplyControls() {
  for (QueuedControl& queued : state_->DrainControls()) {
    host_.RecordEvent({SupervisorEventKind::kControlConsumed, pid_, queued.id});
    if (closing_) continue;  // the release will cancel whatever the control referred to
    if (auto* notify = std::get_if<NotifyShutdownControl>(&queued.control)) {
      if (notify->every_connection || (handshake_done_ && state_->session()->HasSubscriptions())) {
        SendDisconnectOnce();
      }
    } else if (std::holds_alternative<ForceCloseControl>(queued.control)) {
      SendDisconnectOnce();
      Close(CloseRoute::kForceClosed);
    } else if (auto* push = std::get_if<PushControl>(&queued.control)) {
      // Nothing application-level goes to a peer that has not completed the handshake
      // (and, with auth on, proved itself): hold the push until ConnectAck is out. If the
      // handshake never completes, the close path cancels the push's slot.
      if (handshake_done_) {
        SendPush(std::move(*push));
      } else {
        held_pushes_.push_back(std::move(*push));
      }
    }
  }
}

void ConnectionProcess::OnBytes(std::string bytes) {
  last_activity_ = clock_.Now();
  inbound_.Append(std::move(bytes));
  while (!closing_) {
    std::optional<Frame> frame = inbound_.Next();
    if (!frame.has_value()) break;
    frames_in_.Add(frame->type_id());
    HandleFrame(*frame);
  }
  frames_in_.Flush();
  if (const protocol::FrameStreamError* error = inbound_.error()) {
    FailProtocol(error->reason(), error->Describe());
  }
}

void ConnectionProcess::HandleFrame(Frame& frame) {
  host_.RecordEvent({SupervisorEventKind::kFrameReceived, pid_, frame.type_id()});
  if (!handshake_done_ && frame.type_id() != static_cast<uint8_t>(protocol::FrameType::kConnect)) {
    FailProtocol(ReasonCode::kInvalidStateTransition,
                 absl::StrCat("expected Connect as the first frame, got ",
                              std::string(protocol::FrameTypeName(
                                  static_cast<protocol::FrameType>(frame.type_id())))));
    return;
  }
  // The one place a frame's type is dispatched: control frames are the process's own, and
  // each application frame goes to its one session handler.
  ConnectionOutput& out = *this;
  std::visit(
      Overloaded{
          [&](protocol::Connect& connect) {
            if (handshake_done_) {
              FailProtocol(ReasonCode::kInvalidStateTransition, "Connect sent twice");
            } else {
              HandleConnect(connect);
            }
          },
          [&](protocol::Disconnect&) { Close(CloseRoute::kClientDisconnect); },
          [&](protocol::Ping&) { Send(protocol::MakeFrame(protocol::Pong{})); },
          [&](protocol::PushReply& reply) {
            host_.ResolvePushReply(pid_, reply.correlation_id, std::move(reply.payload));
          },
          [&](protocol::WorkerRegister& registration) { HandleWorkerRegister(registration); },
          [&](protocol::Subscribe& body) { state_->session()->OnSubscribe(frame, body, out); },
          [&](protocol::Unsubscribe& body) { state_->session()->OnUnsubscribe(frame, body, out); },
          [&](protocol::Publish& body) { state_->session()->OnPublish(frame, body, out); },
          [&](protocol::ConversationOpen& body) {
            state_->session()->OnConversationOpen(frame, body, out);
          },
          [&](protocol::ConversationMessage& body) {
            state_->session()->OnConversationMessage(frame, body, out);
          },
          [&](protocol::ConversationClose& body) {
            state_->session()->OnConversationClose(frame, body, out);
          },
          [&](protocol::Accept& body) { state_->session()->OnAccept(frame, body, out); },
          [&](protocol::Defer& body) { state_->session()->OnDefer(frame, body, out); },
          [&](protocol::Reject& body) { state_->session()->OnReject(frame, body, out); },
          // Stray server-to-client frames and unknown types are ignored (wire §7.2).
          [](auto&) {},
      },
      frame.body);
}

void ConnectionProcess::HandleConnect(const protocol::Connect& connect) {
  if (!(connect.min_version <= kSupportedVersion && kSupportedVersion <= connect.max_version)) {
    FailProtocol(ReasonCode::kVersionMismatch, "no mutually supported protocol version");
    return;
  }
  const auth::Authentication authentication =
      auth::Authenticate(options_.auth_tokens, options_.auth_users, connect.auth_token);
  if (!authentication.accepted) {
    FailProtocol(ReasonCode::kAuthenticationFailure, "authentication failed");
    return;
  }
  access_.Authenticated(authentication.user);
  handshake_done_ = true;
  if (handshake_timer_ != 0) {
    clock_.Cancel(handshake_timer_);
    handshake_timer_ = 0;
  }
  Send(protocol::MakeFrame(protocol::ConnectAck{kSupportedVersion, 0}));
  for (PushControl& push : held_pushes_) SendPush(std::move(push));
  held_pushes_.clear();
}

void ConnectionProcess::SendPush(PushControl push) {
  Send(protocol::MakeFrame(protocol::Push{push.correlation_id, std::move(push.payload)},
                           /*stream_id=*/1));
}

void ConnectionProcess::HandleWorkerRegister(const protocol::WorkerRegister& registration) {
  // The protocol's refusal of a registration is a rejected ack (it has no reason code): the
  // reason text names E_FORBIDDEN so clients can tell it from a notifier's rejection.
  if (absl::Status allowed =
          access_.Check(auth::Operation::kRespond, WorkerSubjectOf(registration.task_queue));
      !allowed.ok()) {
    const uint16_t code = protocol::ToWire(ReasonCode::kForbidden);
    Send(protocol::MakeFrame(protocol::WorkerRegisterAck{absl::StrFormat(
        "%s (0x%04x): %s", protocol::ReasonCodeName(code), code, allowed.message())}));
    return;
  }
  Send(protocol::MakeFrame(host_.RegisterWorker(*state_, pid_, registration)));
}

void ConnectionProcess::OnTimer(uint64_t tag) {
  if (tag == kHandshakeTimer) {
    handshake_timer_ = 0;
    if (!handshake_done_) {
      FailProtocol(ReasonCode::kInvalidStateTransition,
                   absl::StrCat("handshake not completed within ",
                                absl::FormatDuration(options_.handshake_timeout)));
    }
  } else if (tag == kIdleTimer) {
    idle_timer_ = 0;
    const absl::Duration idle = clock_.Now() - last_activity_;
    if (idle >= options_.idle_timeout) {
      SendDisconnectOnce();
      Close(CloseRoute::kIdleTimeout);
    } else {
      ArmTimer(kIdleTimer, options_.idle_timeout - idle);
    }
  }
}

bool ConnectionProcess::Buggify(runtime::FaultPoint point) const {
  return runtime::Buggify(options_.fault_points, point);
}

void ConnectionProcess::ArmTimer(uint64_t tag, absl::Duration delay) {
  // A late timer: the runtime fires it after the delay asked for, not at it.
  if (Buggify(runtime::FaultPoint::kLateTimer)) delay += delay / 2 + absl::Milliseconds(1);
  runtime::Scheduler& scheduler = scheduler_;
  const runtime::Pid pid = pid_;
  const runtime::TimerId id = clock_.RunAfter(
      delay, [&scheduler, pid, tag] { scheduler.Send(pid, runtime::TimerFired{tag}); });
  (tag == kHandshakeTimer ? handshake_timer_ : idle_timer_) = id;
}

void ConnectionProcess::Send(const Frame& frame) {
  if (closing_) return;
  if (std::optional<uint16_t> code = protocol::ErrorReasonCode(frame)) {
    host_.RecordEvent({SupervisorEventKind::kErrorSent, pid_, *code});
  }
  RecordSent(protocol::EncodeFrame(frame, OutboundBatch()), frame.type_id());
}

void ConnectionProcess::SendDeliver(uint32_t stream_id, uint64_t delivery_seq,
                                    const protocol::SchemaId& schema_id,
                                    const std::shared_ptr<const protocol::Envelope>& envelope) {
  if (closing_) return;
  const std::string_view payload = envelope->payload;
  if (payload.size() < kSplicePayloadBytes) {
    RecordSent(
        protocol::EncodeDeliver(stream_id, delivery_seq, schema_id, *envelope, OutboundBatch()),
        static_cast<uint8_t>(protocol::FrameType::kDeliver));
    return;
  }
  const absl::Status encoded =
      protocol::EncodeDeliverPrefix(stream_id, delivery_seq, schema_id, *envelope, OutboundBatch());
  if (encoded.ok()) outbound_batch_.Splice(envelope, payload);
  RecordSent(encoded, static_cast<uint8_t>(protocol::FrameType::kDeliver));
}

void ConnectionProcess::RecordSent(const absl::Status& encoded, uint8_t type_id) {
  if (!encoded.ok()) {
    // A frame the server built itself failed to encode: a bug, never the client's fault.
    FailProtocol(ReasonCode::kInternal, absl::StrCat("internal encode error: ", encoded.message()));
    return;
  }
  host_.RecordEvent({SupervisorEventKind::kFrameSent, pid_, type_id});
  frames_out_.Add(type_id);
}

std::string& ConnectionProcess::OutboundBatch() {
  // The batch is handed to the socket at the end of each slice, or earlier once it is full.
  // Start the next one with room for what the last one held (plus a frame's headroom), so a
  // busy connection allocates its batch once instead of regrowing it through every size on
  // the way (large-buffer churn that the allocator answers by returning pages to the OS,
  // then faulting them back in).
  if (outbound_batch_.size() >= kOutboundBatchFlushBytes) FlushOutbound();
  std::string& bytes = outbound_batch_.bytes();
  if (outbound_batch_.empty()) {
    bytes.reserve(std::clamp(last_batch_owned_bytes_ + kOutboundBatchReserve, kOutboundBatchReserve,
                             kOutboundBatchFlushBytes + kOutboundBatchReserve));
  }
  return bytes;
}

bool ConnectionProcess::HasOutboundRoom() const {
  return socket_->QueuedBytes() + outbound_batch_.size() < options_.max_outbound_bytes;
}

void ConnectionProcess::SendDisconnectOnce() {
  if (closing_ || !state_->MarkDisconnectSent()) return;
  Send(protocol::MakeFrame(protocol::Disconnect{}));
}

void ConnectionProcess::FailProtocol(ReasonCode code, std::string text) {
  if (closing_) return;
  Send(protocol::MakeFrame(protocol::ConnectError{protocol::ToWire(code), std::move(text)}));
  Close(CloseRoute::kProtocolError);
}

void ConnectionProcess::FlushOutbound() {
  frames_out_.Flush();  // counted before the peer can see them
  if (outbound_batch_.empty()) return;
  last_batch_owned_bytes_ = outbound_batch_.bytes().size();
  runtime::OutboundBytes batch = std::exchange(outbound_batch_, runtime::OutboundBytes());
  if (batch.size() > 1 && Buggify(runtime::FaultPoint::kShortWrite)) {
    // A short write: the batch reaches the socket in two writes.
    std::string flat = std::move(batch).Flatten();
    socket_->Write(flat.substr(0, flat.size() / 2));
    socket_->Write(flat.substr(flat.size() / 2));
  } else if (batch.has_splices()) {
    socket_->WriteGathered(std::move(batch));
  } else {
    socket_->Write(std::move(batch).Flatten());
  }
  if (!closing_ && !reading_paused_ && socket_->QueuedBytes() > options_.max_outbound_bytes) {
    reading_paused_ = true;
    socket_->PauseReading();
  }
}

void ConnectionProcess::Close(CloseRoute route) {
  if (closing_) return;
  host_.RecordEvent({SupervisorEventKind::kClosed, pid_, static_cast<uint64_t>(route)});
  FlushOutbound();
  closing_ = true;
  if (handshake_timer_ != 0) clock_.Cancel(handshake_timer_);
  if (idle_timer_ != 0) clock_.Cancel(idle_timer_);
  handshake_timer_ = idle_timer_ = 0;
  socket_->Close();
  host_.RecordEvent({SupervisorEventKind::kSocketClosed, pid_, 0});
  host_.ReleaseConnection(*state_, pid_);
  ctx_->Exit(runtime::ExitReason::Normal());
}

}  // namespace liminal::server
