#include "client/internal/connection_impl.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/client_error.h"
#include "client/tls_context.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/reason_code.h"

namespace liminal::client::internal {
namespace {

// The channel name with the replay query liminald reads (README "Replay"): ?from=, ?consumer=.
std::string SubscribeTargetName(const std::string& channel, const SubscribeOptions& options) {
  std::string name = channel;
  char separator = '?';
  if (options.consumer.has_value()) {
    absl::StrAppend(&name, std::string(1, separator), "consumer=", *options.consumer);
    separator = '&';
  }
  if (options.replay_from.has_value()) {
    absl::StrAppend(&name, std::string(1, separator), "from=", *options.replay_from);
  }
  return name;
}

namespace asio = boost::asio;
using asio::ip::tcp;
using protocol::Frame;
using protocol::MakeFrame;
using protocol::ReasonCode;

constexpr protocol::Version kProtocolVersion{1, 0};
// The least the connection asks of the socket per read.
constexpr size_t kReadChunk = size_t{64} << 10;

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(std::max(d, absl::ZeroDuration())));
}

// The form in which a session-ending cause reaches pending operations.
absl::Status AsDisconnected(const absl::Status& cause) {
  if (IsDisconnected(cause)) return cause;
  return DisconnectedError(cause.message(), GetReasonCode(cause));
}

bool EndsConversation(uint16_t reason_code) {
  switch (static_cast<ReasonCode>(reason_code)) {
    case ReasonCode::kConversationOpen:
    case ReasonCode::kConversationUnknown:
    case ReasonCode::kParticipantCrashed:
      return true;
    default:
      return false;
  }
}

// A conversation envelope: zero schema id, independent causal context.
protocol::Envelope PayloadOnly(std::string payload) {
  protocol::Envelope envelope;
  envelope.payload = std::move(payload);
  return envelope;
}

std::string FrameName(const Frame& frame) {
  uint8_t type = frame.type_id();
  if (!protocol::IsKnownFrameType(type)) return absl::StrFormat("frame type 0x%02x", type);
  return std::string(protocol::FrameTypeName(static_cast<protocol::FrameType>(type)));
}

}  // namespace

ConnectionImpl::SubscriptionState::SubscriptionState(
    const asio::strand<asio::any_io_executor>& strand, std::string channel_name,
    SubscribeOptions subscribe_options, SubscriptionHandlers subscription_handlers,
    Connection::SubscribeCallback done)
    : channel(std::move(channel_name)),
      options(std::move(subscribe_options)),
      handlers(std::move(subscription_handlers)),
      on_subscribed(std::move(done)),
      acks(options.max_in_flight),
      ack_timer(strand) {}

ConnectionImpl::ConnectionImpl(asio::any_io_executor executor, ConnectionOptions options,
                               ConnectionHandlers handlers)
    : strand_(asio::make_strand(std::move(executor))),
      resolver_(strand_),
      socket_(strand_),
      deadline_(strand_),
      options_(std::move(options)),
      handlers_(std::move(handlers)),
      reader_(options_.max_frame_bytes) {}

ConnectionImpl::~ConnectionImpl() = default;

template <typename Fn>
void ConnectionImpl::OnStrand(Fn fn) {
  queued_calls_.fetch_add(1, std::memory_order_relaxed);
  asio::post(strand_, [self = shared_from_this(), fn = std::move(fn)]() mutable {
    self->queued_calls_.fetch_sub(1, std::memory_order_relaxed);
    fn(*self);
  });
}

// ---------------------------------------------------------------------------------------------
// Public entry points: hop onto the strand.

void ConnectionImpl::Start(std::string host, uint16_t port, Connection::ConnectCallback done) {
  OnStrand([host = std::move(host), port, done = std::move(done)](ConnectionImpl& self) mutable {
    self.DoStart(std::move(host), port, std::move(done));
  });
}

void ConnectionImpl::Publish(std::string channel, std::string payload, PublishOptions options,
                             Connection::PublishCallback done) {
  // Called from one of this connection's callbacks (a publisher that keeps a window full
  // from its ack callback) with no earlier call still queued: encode at once instead of
  // hopping through the executor; the frames still leave in call order. The completion
  // never runs inside Publish() itself.
  if (strand_.running_in_this_thread() && queued_calls_.load(std::memory_order_relaxed) == 0) {
    absl::Status started =
        StartPublish(std::move(channel), std::move(payload), std::move(options), done);
    if (!started.ok()) {
      OnStrand([done = std::move(done), started](ConnectionImpl&) mutable { done(started); });
    }
    return;
  }
  OnStrand([channel = std::move(channel), payload = std::move(payload),
            options = std::move(options), done = std::move(done)](ConnectionImpl& self) mutable {
    absl::Status started =
        self.StartPublish(std::move(channel), std::move(payload), std::move(options), done);
    if (!started.ok()) done(started);
  });
}

absl::Status ConnectionImpl::StartPublish(std::string channel, std::string payload,
                                          PublishOptions options,
                                          Connection::PublishCallback& done) {
  absl::StatusOr<uint32_t> stream = NextStream();
  if (!stream.ok()) return stream.status();
  const protocol::Publish publish{.channel = std::move(channel),
                                  .envelope = {.schema_id = options.schema_id,
                                               .causal = std::move(options.causal),
                                               .payload = std::move(payload)},
                                  .idempotency_key = std::move(options.idempotency_key)};
  if (absl::Status queued = outbound_.EnqueuePublish(*stream, publish); !queued.ok()) {
    return queued;
  }
  StartWrite();
  publishes_.emplace_back(*stream, std::move(done));  // stream ids only grow
  return absl::OkStatus();
}

void ConnectionImpl::Subscribe(std::string channel, SubscribeOptions options,
                               SubscriptionHandlers handlers, Connection::SubscribeCallback done) {
  OnStrand([channel = std::move(channel), options = std::move(options),
            handlers = std::move(handlers), done = std::move(done)](ConnectionImpl& self) mutable {
    if (options.max_in_flight == 0) {
      return done(absl::InvalidArgumentError("SubscribeOptions::max_in_flight must be > 0"));
    }
    absl::StatusOr<uint32_t> stream = self.NextStream();
    if (!stream.ok()) return done(stream.status());
    const bool replay =
        options.replay || options.replay_from.has_value() || options.consumer.has_value();
    Frame frame = MakeFrame(protocol::Subscribe{.channel = SubscribeTargetName(channel, options),
                                                .accepted_schemas = options.accepted_schemas,
                                                .max_in_flight = options.max_in_flight},
                            *stream,
                            // The client always acknowledges, so it asks for credit (ACKS).
                            protocol::kFlagAcks | (replay ? protocol::kFlagReplay : 0));
    if (absl::Status sent = self.Send(frame); !sent.ok()) return done(sent);
    self.subscriptions_.emplace(*stream, std::make_unique<SubscriptionState>(
                                             self.strand_, std::move(channel), std::move(options),
                                             std::move(handlers), std::move(done)));
  });
}

absl::StatusOr<Conversation> ConnectionImpl::OpenConversation(std::string subject,
                                                              ConversationHandlers handlers) {
  absl::StatusOr<uint32_t> stream = stream_ids_.Next();
  if (!stream.ok()) return stream.status();
  uint64_t id = *stream;
  OnStrand([id, subject, handlers = std::move(handlers)](ConnectionImpl& self) mutable {
    self.DoOpenConversation(id, std::move(subject), std::move(handlers));
  });
  return Conversation(shared_from_this(), id, std::move(subject));
}

void ConnectionImpl::RegisterWorker(WorkerRegistration registration,
                                    Connection::WorkerRegisterCallback done) {
  OnStrand([registration = std::move(registration),
            done = std::move(done)](ConnectionImpl& self) mutable {
    if (absl::Status ok = self.CheckCanStart(); !ok.ok()) return done(ok);
    if (absl::Status sent = self.Send(MakeFrame(std::move(registration))); !sent.ok()) {
      return done(sent);
    }
    self.worker_registers_.push_back(std::move(done));
  });
}

void ConnectionImpl::Ping(Connection::PingCallback done) {
  OnStrand([done = std::move(done)](ConnectionImpl& self) mutable {
    if (absl::Status ok = self.CheckCanStart(); !ok.ok()) return done(ok);
    if (absl::Status sent = self.Send(MakeFrame(protocol::Ping{})); !sent.ok()) {
      return done(sent);
    }
    self.pings_.push_back({std::move(done), std::chrono::steady_clock::now()});
  });
}

void ConnectionImpl::SetPushHandler(PushHandler handler) {
  OnStrand([handler = std::move(handler)](ConnectionImpl& self) mutable {
    // After the session ended handlers are released and must stay released.
    if (!self.session_ended_) self.handlers_.on_push = std::move(handler);
  });
}

void ConnectionImpl::Close(absl::AnyInvocable<void()> done) {
  OnStrand(
      [done = std::move(done)](ConnectionImpl& self) mutable { self.DoClose(std::move(done)); });
}

void ConnectionImpl::Ack(uint32_t stream_id, uint64_t seq) {
  OnStrand([stream_id, seq](ConnectionImpl& self) {
    SubscriptionState* sub = self.FindActiveSubscription(stream_id);
    if (sub == nullptr) return;
    // Never acknowledge what has not been delivered yet.
    self.ConsumeDelivery(stream_id, *sub, std::min(seq, sub->highest_delivered));
  });
}

void ConnectionImpl::Reject(uint32_t stream_id, uint64_t seq, std::optional<std::string> reason) {
  OnStrand([stream_id, seq, reason = std::move(reason)](ConnectionImpl& self) mutable {
    if (self.FindActiveSubscription(stream_id) == nullptr) return;
    self.Send(MakeFrame(protocol::Reject{std::to_string(seq), std::move(reason)}, stream_id))
        .IgnoreError();  // only an invalid UTF-8 reason fails; documented as dropped
  });
}

void ConnectionImpl::Defer(uint32_t stream_id, uint64_t seq, std::optional<std::string> reason) {
  OnStrand([stream_id, seq, reason = std::move(reason)](ConnectionImpl& self) mutable {
    if (self.FindActiveSubscription(stream_id) == nullptr) return;
    self.Send(MakeFrame(protocol::Defer{std::to_string(seq), std::move(reason)}, stream_id))
        .IgnoreError();
  });
}

void ConnectionImpl::Unsubscribe(uint32_t stream_id) {
  OnStrand([stream_id](ConnectionImpl& self) {
    SubscriptionState* sub = self.FindActiveSubscription(stream_id);
    if (sub == nullptr) return;
    self.FlushAcks(stream_id, *sub);
    self.Send(MakeFrame(protocol::Unsubscribe{sub->subscription_id}, stream_id)).IgnoreError();
    auto node = self.subscriptions_.extract(stream_id);
    if (node.mapped()->handlers.on_end) node.mapped()->handlers.on_end(absl::OkStatus());
  });
}

void ConnectionImpl::ConversationRequest(uint64_t conversation_id, std::string payload,
                                         absl::Duration timeout, Conversation::ReplyCallback done) {
  OnStrand([conversation_id, payload = std::move(payload), timeout,
            done = std::move(done)](ConnectionImpl& self) mutable {
    absl::StatusOr<ConversationState*> conv = self.FindConversation(conversation_id);
    if (!conv.ok()) return done(conv.status());
    if (absl::Status ok = self.CheckCanStart(); !ok.ok()) return done(ok);
    Frame frame =
        MakeFrame(protocol::ConversationMessage{.conversation_id = conversation_id,
                                                .envelope = PayloadOnly(std::move(payload))},
                  static_cast<uint32_t>(conversation_id), protocol::kFlagReplyRequested);
    if (absl::Status sent = self.Send(frame); !sent.ok()) return done(sent);

    uint64_t request_id = (*conv)->next_request_id++;
    auto timer = std::make_unique<asio::steady_timer>(self.strand_, ToChrono(timeout));
    timer->async_wait([self = self.shared_from_this(), conversation_id, request_id,
                       timeout](const boost::system::error_code& ec) {
      if (!ec) self->OnRequestTimeout(conversation_id, request_id, timeout);
    });
    (*conv)->requests.push_back({request_id, std::move(done), std::move(timer)});
  });
}

void ConnectionImpl::ConversationSend(uint64_t conversation_id, std::string payload,
                                      Conversation::SendCallback done) {
  OnStrand([conversation_id, payload = std::move(payload),
            done = std::move(done)](ConnectionImpl& self) mutable {
    auto finish = [&done](absl::Status status) {
      if (done) done(std::move(status));
    };
    absl::StatusOr<ConversationState*> conv = self.FindConversation(conversation_id);
    if (!conv.ok()) return finish(conv.status());
    if (absl::Status ok = self.CheckCanStart(); !ok.ok()) return finish(ok);
    finish(self.Send(
        MakeFrame(protocol::ConversationMessage{.conversation_id = conversation_id,
                                                .envelope = PayloadOnly(std::move(payload))},
                  static_cast<uint32_t>(conversation_id))));
  });
}

void ConnectionImpl::ConversationClose(uint64_t conversation_id) {
  OnStrand([conversation_id](ConnectionImpl& self) {
    auto it = self.conversations_.find(conversation_id);
    if (it == self.conversations_.end()) return;
    std::unique_ptr<ConversationState> conv = std::move(it->second);
    self.conversations_.erase(it);
    if (conv->failed.ok() && self.state_ == State::kReady) {
      protocol::ConversationClose close;
      close.conversation_id = conversation_id;
      self.Send(MakeFrame(std::move(close), static_cast<uint32_t>(conversation_id))).IgnoreError();
    }
    absl::Status cancelled =
        CancelledError(absl::StrCat("conversation ", conversation_id, " was closed"));
    for (PendingRequest& request : conv->requests) {
      if (request.done) request.done(cancelled);
    }
  });
}

void ConnectionImpl::PushReply(uint32_t stream_id, uint64_t correlation_id, std::string payload) {
  OnStrand([stream_id, correlation_id, payload = std::move(payload)](ConnectionImpl& self) mutable {
    if (self.state_ != State::kReady) return;
    self.Send(MakeFrame(protocol::PushReply{correlation_id, std::move(payload)}, stream_id))
        .IgnoreError();
  });
}

// ---------------------------------------------------------------------------------------------
// Connecting.

void ConnectionImpl::DoStart(std::string host, uint16_t port, Connection::ConnectCallback done) {
  connect_done_ = std::move(done);
  peer_ = absl::StrCat(host, ":", port);
  host_ = host;
  if (options_.tls.enabled) {
    absl::StatusOr<std::shared_ptr<asio::ssl::context>> context =
        MakeClientTlsContext(options_.tls);
    if (!context.ok()) return Fail(context.status());
    tls_context_ = *std::move(context);
  }
  deadline_.expires_after(ToChrono(options_.connect_timeout));
  deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->state_ != State::kConnecting) return;
    self->Fail(
        ClientTimeoutError(absl::StrCat("connecting to ", self->peer_, " took longer than ",
                                        absl::FormatDuration(self->options_.connect_timeout))));
  });
  resolver_.async_resolve(
      host, std::to_string(port),
      [self = shared_from_this()](const boost::system::error_code& ec,
                                  tcp::resolver::results_type endpoints) {
        if (self->state_ != State::kConnecting) return;
        if (ec) {
          return self->Fail(
              DisconnectedError(absl::StrCat("cannot resolve ", self->peer_, ": ", ec.message())));
        }
        asio::async_connect(
            self->socket_, endpoints,
            [self](const boost::system::error_code& connect_ec, const tcp::endpoint&) {
              if (self->state_ != State::kConnecting) return;
              if (connect_ec) {
                return self->Fail(DisconnectedError(
                    absl::StrCat("cannot connect to ", self->peer_, ": ", connect_ec.message())));
              }
              self->OnConnected();
            });
      });
}

void ConnectionImpl::OnConnected() {
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  if (tls_context_ == nullptr) {
    tcp_connected_ = true;
    return SendConnect();
  }
  tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *tls_context_);
  const std::string& name = options_.tls.server_name.empty() ? host_ : options_.tls.server_name;
  boost::system::error_code not_ip;
  asio::ip::make_address(name, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(tls_->native_handle(), name.c_str());  // SNI: names only
  tls_->set_verify_callback(asio::ssl::host_name_verification(name));
  tls_->async_handshake(asio::ssl::stream_base::client,
                        [self = shared_from_this()](const boost::system::error_code& ec) {
                          self->OnTlsHandshake(ec);
                        });
}

void ConnectionImpl::OnTlsHandshake(const boost::system::error_code& ec) {
  if (state_ != State::kConnecting) return;
  if (ec) {
    std::string reason = ec.message();
    const long verify = SSL_get_verify_result(tls_->native_handle());  // NOLINT: OpenSSL's type
    if (verify != X509_V_OK) {
      absl::StrAppend(&reason, " (", X509_verify_cert_error_string(verify), ")");
    }
    return Fail(DisconnectedError(absl::StrCat("TLS handshake with ", peer_, " failed: ", reason)));
  }
  tcp_connected_ = true;
  SendConnect();
}

void ConnectionImpl::SendConnect() {
  absl::Status sent = Send(MakeFrame(protocol::Connect{.min_version = kProtocolVersion,
                                                       .max_version = kProtocolVersion,
                                                       .auth_token = options_.auth_token}));
  if (!sent.ok()) return Fail(sent);
  StartRead();
}

void ConnectionImpl::CompleteHandshake(const protocol::ConnectAck& ack) {
  if (ack.selected_version != kProtocolVersion) {
    return Fail(
        ProtocolError(absl::StrFormat("server selected protocol version %d.%d, not 1.0",
                                      ack.selected_version.major, ack.selected_version.minor)));
  }
  state_ = State::kReady;
  deadline_.cancel();
  Connection::ConnectCallback done = std::move(connect_done_);
  connect_done_ = nullptr;
  done(std::unique_ptr<Connection>(new Connection(shared_from_this())));
}

// ---------------------------------------------------------------------------------------------
// Socket I/O.

void ConnectionImpl::StartRead() {
  absl::Span<char> space = reader_.WritableSpace(kReadChunk);
  auto on_read = [self = shared_from_this()](const boost::system::error_code& ec, size_t bytes) {
    self->OnRead(ec, bytes);
  };
  if (tls_ != nullptr) {
    tls_->async_read_some(asio::buffer(space.data(), space.size()), std::move(on_read));
  } else {
    socket_.async_read_some(asio::buffer(space.data(), space.size()), std::move(on_read));
  }
}

void ConnectionImpl::OnRead(const boost::system::error_code& ec, size_t bytes) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kClosing) {
    // The session is over; the peer closing (or anything else) just ends the linger.
    if (ec) CloseSocket();
    return;
  }
  if (ec) {
    // A TLS peer that closes TCP without close_notify has still just closed.
    const bool closed = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
    if (closed && state_ == State::kConnecting && tls_ == nullptr) {
      return Fail(DisconnectedError(absl::StrCat(
          "connection closed by ", peer_,
          " before the handshake completed (a liminald with TLS closes plaintext clients: "
          "connect with TLS)")));
    }
    return Fail(
        DisconnectedError(closed ? absl::StrCat("connection closed by ", peer_)
                                 : absl::StrCat("read from ", peer_, " failed: ", ec.message())));
  }
  reader_.Commit(bytes);
  while (state_ == State::kConnecting || state_ == State::kReady) {
    std::optional<Frame> frame = reader_.Next();
    if (!frame.has_value()) {
      if (const protocol::FrameStreamError* error = reader_.error()) {
        return Fail(ProtocolErrorFromServer(*error));
      }
      break;
    }
    HandleFrame(*frame);
  }
  if (state_ == State::kConnecting || state_ == State::kReady) StartRead();
}

absl::Status ConnectionImpl::Send(const Frame& frame) {
  if (absl::Status queued = outbound_.Enqueue(frame); !queued.ok()) return queued;
  StartWrite();
  return absl::OkStatus();
}

void ConnectionImpl::StartWrite() {
  if (!tcp_connected_ || state_ == State::kClosed) return;
  if (!outbound_.StartWrite()) return;
  auto on_written = [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
    self->OnWrite(ec);
  };
  if (tls_ != nullptr) {
    asio::async_write(*tls_, asio::buffer(outbound_.in_flight()), std::move(on_written));
  } else {
    asio::async_write(socket_, asio::buffer(outbound_.in_flight()), std::move(on_written));
  }
}

void ConnectionImpl::OnWrite(const boost::system::error_code& ec) {
  outbound_.FinishWrite();
  if (state_ == State::kClosed) return;
  if (ec) {
    return Fail(DisconnectedError(absl::StrCat("write to ", peer_, " failed: ", ec.message())));
  }
  StartWrite();
  if (state_ == State::kClosing && outbound_.idle()) CloseSocket();
}

// ---------------------------------------------------------------------------------------------
// Ending.

void ConnectionImpl::EndSession(const absl::Status& cause) {
  if (session_ended_) return;
  session_ended_ = true;
  ended_status_ = AsDisconnected(cause);
  const absl::Status& failed = ended_status_;

  // Take everything out first: callbacks may post new work, which must see an empty table.
  auto connect_done = std::move(connect_done_);
  connect_done_ = nullptr;
  auto publishes = std::move(publishes_);
  auto subscriptions = std::move(subscriptions_);
  auto conversations = std::move(conversations_);
  auto pings = std::move(pings_);
  auto worker_registers = std::move(worker_registers_);
  ConnectionHandlers handlers = std::move(handlers_);
  publishes_.clear();
  subscriptions_.clear();
  conversations_.clear();
  pings_.clear();
  worker_registers_.clear();

  // The connection-level report comes first, so that anyone woken by a failed operation
  // already sees the connection as ended. on_closed reports the end of an established
  // session; a failed connect reports through the connect callback instead.
  if (connect_done) {
    connect_done(cause);
  } else if (handlers.on_closed) {
    handlers.on_closed(cause);
  }
  for (auto& [stream, done] : publishes) done(failed);
  for (auto& [stream, sub] : subscriptions) {
    if (!sub->active) {
      sub->on_subscribed(failed);
    } else if (sub->handlers.on_end) {
      sub->handlers.on_end(failed);
    }
  }
  for (auto& [id, conv] : conversations) {
    for (PendingRequest& request : conv->requests) {
      if (request.done) request.done(failed);
    }
  }
  for (PendingPing& ping : pings) ping.done(failed);
  for (auto& done : worker_registers) done(failed);
}

void ConnectionImpl::Fail(const absl::Status& cause) {
  EndSession(cause);
  CloseSocket();
}

void ConnectionImpl::CloseSocket() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  deadline_.cancel();
  resolver_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  auto close_done = std::move(close_done_);
  close_done_.clear();
  for (auto& done : close_done) done();
}

void ConnectionImpl::DoClose(absl::AnyInvocable<void()> done) {
  if (state_ == State::kClosed) {
    if (done) done();
    return;
  }
  if (done) close_done_.push_back(std::move(done));
  if (state_ == State::kClosing) return;
  const bool was_ready = state_ == State::kReady;
  if (was_ready) {
    for (auto& [stream, sub] : subscriptions_) {
      if (sub->active) FlushAcks(stream, *sub);
    }
  }
  EndSession(DisconnectedError("connection closed by client"));
  if (!was_ready || !tcp_connected_) return CloseSocket();
  Send(MakeFrame(protocol::Disconnect{})).IgnoreError();
  state_ = State::kClosing;
  if (outbound_.idle()) return CloseSocket();
  deadline_.expires_after(ToChrono(options_.close_linger));
  deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec && self->state_ == State::kClosing) self->CloseSocket();
  });
}

absl::Status ConnectionImpl::CheckCanStart() const {
  if (session_ended_) return ended_status_;
  if (state_ != State::kReady) return absl::FailedPreconditionError("connection is not ready");
  if (outbound_.pending_bytes() > options_.max_outbound_bytes) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%u bytes are waiting to be written to %s (limit %u); the server is not keeping up",
        outbound_.pending_bytes(), peer_, options_.max_outbound_bytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> ConnectionImpl::NextStream() {
  if (absl::Status ok = CheckCanStart(); !ok.ok()) return ok;
  return stream_ids_.Next();
}

// ---------------------------------------------------------------------------------------------
// Inbound frames.

void ConnectionImpl::HandleFrame(Frame& frame) {
  if (state_ == State::kConnecting) {
    if (auto* ack = std::get_if<protocol::ConnectAck>(&frame.body)) {
      return CompleteHandshake(*ack);
    }
    if (auto* error = std::get_if<protocol::ConnectError>(&frame.body)) {
      return Fail(ServerError(error->reason_code, error->message));
    }
    return Fail(
        ProtocolError(absl::StrCat("expected ConnectAck or ConnectError, got ", FrameName(frame))));
  }
  std::visit([this, &frame](auto& body) { OnFrame(frame, body); }, frame.body);
}

void ConnectionImpl::OnFrame(const Frame&, protocol::ConnectError& body) {
  // After the handshake the server sends ConnectError only to explain why it is closing.
  absl::Status server = ServerError(body.reason_code, body.message);
  Fail(DisconnectedError(absl::StrCat("server closed the connection: ", server.message()),
                         body.reason_code));
}

void ConnectionImpl::OnFrame(const Frame&, protocol::Disconnect&) {
  if (draining_.exchange(true, std::memory_order_acq_rel)) return;
  if (handlers_.on_draining) handlers_.on_draining();
}

void ConnectionImpl::OnFrame(const Frame&, protocol::Ping&) {
  Send(MakeFrame(protocol::Pong{})).IgnoreError();
}

void ConnectionImpl::OnFrame(const Frame&, protocol::Pong&) {
  if (pings_.empty()) return;  // unsolicited
  PendingPing ping = std::move(pings_.front());
  pings_.pop_front();
  ping.done(absl::FromChrono(std::chrono::steady_clock::now() - ping.sent));
}

Connection::PublishCallback ConnectionImpl::TakePublish(uint32_t stream_id) {
  // The server answers a connection's publishes in order: the answer is almost always for
  // the oldest one.
  auto it = publishes_.begin();
  if (it == publishes_.end() || it->first != stream_id) {
    it = std::lower_bound(publishes_.begin(), publishes_.end(), stream_id,
                          [](const auto& entry, uint32_t id) { return entry.first < id; });
    if (it == publishes_.end() || it->first != stream_id) return nullptr;
  }
  Connection::PublishCallback done = std::move(it->second);
  publishes_.erase(it);
  return done;
}

void ConnectionImpl::OnFrame(const Frame& frame, protocol::PublishAck& body) {
  Connection::PublishCallback done = TakePublish(frame.stream_id);
  if (!done) return;
  done(PublishResult{.message_id = body.message_id,
                     .delivered = (frame.flags & protocol::kFlagDelivered) != 0});
}

void ConnectionImpl::OnFrame(const Frame& frame, protocol::PublishError& body) {
  Connection::PublishCallback done = TakePublish(frame.stream_id);
  if (!done) return;
  done(ServerError(body.reason_code, body.message));
}

void ConnectionImpl::OnFrame(const Frame& frame, protocol::SubscribeAck& body) {
  auto it = subscriptions_.find(frame.stream_id);
  if (it == subscriptions_.end() || it->second->active) return;
  SubscriptionState& sub = *it->second;
  sub.active = true;
  sub.subscription_id = body.subscription_id;
  sub.schema_id = body.selected_schema;
  Connection::SubscribeCallback done = std::move(sub.on_subscribed);
  sub.on_subscribed = nullptr;
  sub.delivery_handle = MakeHandle(frame.stream_id, sub);
  done(sub.delivery_handle);
}

void ConnectionImpl::OnFrame(const Frame& frame, protocol::SubscribeError& body) {
  auto node = subscriptions_.extract(frame.stream_id);
  if (node.empty()) return;
  SubscriptionState& sub = *node.mapped();
  absl::Status error = ServerError(body.reason_code, body.message);
  if (!sub.active) {
    sub.on_subscribed(std::move(error));
  } else if (sub.handlers.on_end) {
    sub.handlers.on_end(std::move(error));
  }
}

void ConnectionImpl::OnFrame(const Frame& frame, protocol::Deliver& body) {
  SubscriptionState* sub = FindActiveSubscription(frame.stream_id);
  if (sub == nullptr) return;  // e.g. in flight when the client unsubscribed
  sub->highest_delivered = std::max(sub->highest_delivered, body.delivery_seq);
  if (sub->handlers.on_delivery) {
    sub->handlers.on_delivery(sub->delivery_handle,
                              Delivery{.seq = body.delivery_seq,
                                       .payload = std::move(body.envelope.payload),
                                       .schema_id = body.envelope.schema_id,
                                       .causal = std::move(body.envelope.causal)});
  }
  if (sub->options.ack_mode == AckMode::kAuto) {
    ConsumeDelivery(frame.stream_id, *sub, body.delivery_seq);
  }
}

void ConnectionImpl::OnFrame(const Frame& frame, protocol::ConversationMessage& body) {
  // Only replies (flag 0x01) are meaningful to a client.
  if ((frame.flags & protocol::kFlagReplyRequested) == 0) return;
  auto it = conversations_.find(body.conversation_id);
  if (it == conversations_.end() || it->second->requests.empty()) return;
  PendingRequest request = std::move(it->second->requests.front());
  it->second->requests.pop_front();
  if (request.done) request.done(std::move(body.envelope.payload));  // else: timed out already
}

void ConnectionImpl::OnFrame(const Frame&, protocol::ConversationError& body) {
  // Routed by conversation id, not stream: the reference server reports open failures on
  // stream 1.
  auto it = conversations_.find(body.conversation_id);
  if (it == conversations_.end()) return;
  ConversationState& conv = *it->second;
  absl::Status error = ServerError(body.reason_code, body.message);
  if (EndsConversation(body.reason_code)) return FailConversation(conv, error);
  if (conv.requests.empty()) {
    if (conv.handlers.on_error) conv.handlers.on_error(std::move(error));
    return;
  }
  PendingRequest request = std::move(conv.requests.front());
  conv.requests.pop_front();
  if (request.done) request.done(std::move(error));
}

void ConnectionImpl::OnFrame(const Frame& frame, protocol::Push& body) {
  if (!handlers_.on_push) return;
  handlers_.on_push(PushRequest{.correlation_id = body.correlation_id,
                                .payload = std::move(body.payload),
                                .stream_id = frame.stream_id},
                    PushResponder(shared_from_this(), frame.stream_id, body.correlation_id));
}

void ConnectionImpl::OnFrame(const Frame&, protocol::WorkerRegisterAck& body) {
  if (worker_registers_.empty()) return;
  Connection::WorkerRegisterCallback done = std::move(worker_registers_.front());
  worker_registers_.pop_front();
  done(WorkerRegisterResult{.accepted = body.accepted(),
                            .rejection_reason = body.rejection_reason.value_or("")});
}

// ---------------------------------------------------------------------------------------------
// Subscriptions.

ConnectionImpl::SubscriptionState* ConnectionImpl::FindActiveSubscription(uint32_t stream_id) {
  if (state_ != State::kReady) return nullptr;
  auto it = subscriptions_.find(stream_id);
  if (it == subscriptions_.end() || !it->second->active) return nullptr;
  return it->second.get();
}

void ConnectionImpl::ConsumeDelivery(uint32_t stream_id, SubscriptionState& sub, uint64_t seq) {
  if (std::optional<uint64_t> ack = sub.acks.Consume(seq)) return SendAccept(stream_id, *ack);
  if (!sub.acks.has_pending()) return;
  if (sub.options.ack_delay <= absl::ZeroDuration()) return FlushAcks(stream_id, sub);
  ArmAckTimer(stream_id, sub);
}

void ConnectionImpl::ArmAckTimer(uint32_t stream_id, SubscriptionState& sub) {
  if (sub.ack_timer_armed) return;
  sub.ack_timer_armed = true;
  sub.ack_timer.expires_after(ToChrono(sub.options.ack_delay));
  sub.ack_timer.async_wait(
      [self = shared_from_this(), stream_id](const boost::system::error_code& ec) {
        if (ec) return;  // cancelled: the subscription is gone
        SubscriptionState* current = self->FindActiveSubscription(stream_id);
        if (current == nullptr) return;
        current->ack_timer_armed = false;
        self->FlushAcks(stream_id, *current);
      });
}

void ConnectionImpl::FlushAcks(uint32_t stream_id, SubscriptionState& sub) {
  if (std::optional<uint64_t> ack = sub.acks.Flush()) SendAccept(stream_id, *ack);
}

void ConnectionImpl::SendAccept(uint32_t stream_id, uint64_t seq) {
  Send(MakeFrame(protocol::Accept{std::to_string(seq)}, stream_id)).IgnoreError();
}

Subscription ConnectionImpl::MakeHandle(uint32_t stream_id, const SubscriptionState& sub) {
  return Subscription(shared_from_this(), stream_id, sub.subscription_id, sub.schema_id,
                      sub.channel);
}

// ---------------------------------------------------------------------------------------------
// Conversations.

void ConnectionImpl::DoOpenConversation(uint64_t conversation_id, std::string subject,
                                        ConversationHandlers handlers) {
  if (absl::Status ok = CheckCanStart(); !ok.ok()) {
    if (handlers.on_error) handlers.on_error(ok);
    return;
  }
  auto conv = std::make_unique<ConversationState>();
  conv->subject = subject;
  conv->handlers = std::move(handlers);
  absl::Status sent = Send(MakeFrame(
      protocol::ConversationOpen{.conversation_id = conversation_id, .subject = std::move(subject)},
      static_cast<uint32_t>(conversation_id)));
  ConversationState& state = *conv;
  conversations_.emplace(conversation_id, std::move(conv));
  if (!sent.ok()) FailConversation(state, sent);
}

absl::StatusOr<ConnectionImpl::ConversationState*> ConnectionImpl::FindConversation(
    uint64_t conversation_id) {
  if (session_ended_) return ended_status_;
  if (conversation_id == 0) return absl::FailedPreconditionError("empty Conversation handle");
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) {
    return CancelledError(absl::StrCat("conversation ", conversation_id, " was closed"));
  }
  if (!it->second->failed.ok()) return it->second->failed;
  return it->second.get();
}

void ConnectionImpl::OnRequestTimeout(uint64_t conversation_id, uint64_t request_id,
                                      absl::Duration timeout) {
  auto it = conversations_.find(conversation_id);
  if (it == conversations_.end()) return;
  for (PendingRequest& request : it->second->requests) {
    if (request.request_id != request_id) continue;
    // Keep the slot: the server still owes a reply (or error) for this request, and FIFO
    // matching must discard it rather than give it to a later request.
    if (request.done) {
      Conversation::ReplyCallback done = std::move(request.done);
      request.done = nullptr;
      done(ClientTimeoutError(absl::StrCat("no reply on conversation ", conversation_id, " within ",
                                           absl::FormatDuration(timeout))));
    }
    return;
  }
}

void ConnectionImpl::FailConversation(ConversationState& conv, const absl::Status& error) {
  conv.failed = error;
  std::deque<PendingRequest> requests = std::move(conv.requests);
  conv.requests.clear();
  bool taken = false;
  for (PendingRequest& request : requests) {
    if (!request.done) continue;
    request.done(error);
    taken = true;
  }
  if (!taken && conv.handlers.on_error) conv.handlers.on_error(error);
}

}  // namespace liminal::client::internal
