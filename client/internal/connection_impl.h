// Internal: the state machine behind Connection and its Subscription, Conversation and
// PushResponder handles. Not part of the public API; include client/connection.h instead.
//
//   auto impl = std::make_shared<ConnectionImpl>(executor, options, handlers);
//   impl->Start(host, port, std::move(done));    // done gets a Connection wrapping impl
//
// Every public method may be called from any thread: it posts the work to `strand_`, where
// all state lives. Completion handlers of socket reads/writes and timers hold a shared_ptr
// to the impl, so it lives until the socket is closed and the last handler has run.
//
// Lifecycle: kConnecting (resolve, TCP connect, Connect/ConnectAck) → kReady → kClosing
// (Close(): session ended, Disconnect being written) → kClosed (socket closed). The session
// ends exactly once (EndSession): the connect callback or every pending operation is failed,
// on_closed runs, and all user handlers are released, which breaks any reference cycle
// through handles captured in them.
//
// Thread-safety: thread-safe as described above.
#ifndef LIMINAL_CLIENT_INTERNAL_CONNECTION_IMPL_H_
#define LIMINAL_CLIENT_INTERNAL_CONNECTION_IMPL_H_

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/ack_tracker.h"
#include "client/connection.h"
#include "client/connection_options.h"
#include "client/outbound_queue.h"
#include "client/stream_id_allocator.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_stream.h"

namespace liminal::client::internal {

class ConnectionImpl : public std::enable_shared_from_this<ConnectionImpl> {
 public:
  ConnectionImpl(boost::asio::any_io_executor executor, ConnectionOptions options,
                 ConnectionHandlers handlers);
  ConnectionImpl(const ConnectionImpl&) = delete;
  ConnectionImpl& operator=(const ConnectionImpl&) = delete;
  ~ConnectionImpl();

  // Connection entry points.
  void Start(std::string host, uint16_t port, Connection::ConnectCallback done);
  void Publish(std::string channel, std::string payload, PublishOptions options,
               Connection::PublishCallback done);
  void Subscribe(std::string channel, SubscribeOptions options, SubscriptionHandlers handlers,
                 Connection::SubscribeCallback done);
  absl::StatusOr<Conversation> OpenConversation(std::string subject, ConversationHandlers handlers);
  void RegisterWorker(WorkerRegistration registration, Connection::WorkerRegisterCallback done);
  void Ping(Connection::PingCallback done);
  boost::asio::any_io_executor executor() const { return strand_; }
  void SetPushHandler(PushHandler handler);
  void Close(absl::AnyInvocable<void()> done);
  bool draining() const { return draining_.load(std::memory_order_acquire); }

  // Subscription entry points.
  void Ack(uint32_t stream_id, uint64_t seq);
  void Reject(uint32_t stream_id, uint64_t seq, std::optional<std::string> reason);
  void Defer(uint32_t stream_id, uint64_t seq, std::optional<std::string> reason);
  void Unsubscribe(uint32_t stream_id);

  // Conversation entry points (conversation id == stream id).
  void ConversationRequest(uint64_t conversation_id, std::string payload, absl::Duration timeout,
                           Conversation::ReplyCallback done);
  void ConversationSend(uint64_t conversation_id, std::string payload,
                        Conversation::SendCallback done);
  void ConversationClose(uint64_t conversation_id);

  // PushResponder entry point.
  void PushReply(uint32_t stream_id, uint64_t correlation_id, std::string payload);

 private:
  enum class State { kConnecting, kReady, kClosing, kClosed };

  struct SubscriptionState {
    SubscriptionState(const boost::asio::strand<boost::asio::any_io_executor>& strand,
                      std::string channel_name, SubscribeOptions subscribe_options,
                      SubscriptionHandlers subscription_handlers,
                      Connection::SubscribeCallback done);

    std::string channel;
    SubscribeOptions options;
    SubscriptionHandlers handlers;
    Connection::SubscribeCallback on_subscribed;  // until SubscribeAck/SubscribeError
    bool active = false;                          // SubscribeAck received
    uint64_t subscription_id = 0;
    protocol::SchemaId schema_id{};
    uint64_t highest_delivered = 0;
    AckTracker acks;
    boost::asio::steady_timer ack_timer;
    bool ack_timer_armed = false;
    // The handle every on_delivery call receives, made once at SubscribeAck instead of per
    // delivery (a shared_from_this and a copy of the channel name each). Handles do not own
    // the connection, so keeping one here makes no reference cycle.
    Subscription delivery_handle;
  };

  struct PendingRequest {
    uint64_t request_id = 0;
    Conversation::ReplyCallback done;  // empty once the client-side timeout fired
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  struct ConversationState {
    std::string subject;
    ConversationHandlers handlers;
    std::deque<PendingRequest> requests;  // flagged requests, oldest first
    uint64_t next_request_id = 1;
    absl::Status failed;  // set once a terminal ConversationError arrived
  };

  struct PendingPing {
    Connection::PingCallback done;
    std::chrono::steady_clock::time_point sent;
  };

  // Runs `fn` on the strand, keeping the impl alive until it has run.
  template <typename Fn>
  void OnStrand(Fn fn);
  // Public calls posted by OnStrand that have not run yet (any thread increments).
  std::atomic<uint32_t> queued_calls_{0};

  // Sends the Publish and files `done` under its stream; on an error nothing is sent and
  // `done` is left to the caller.
  absl::Status StartPublish(std::string channel, std::string payload, PublishOptions options,
                            Connection::PublishCallback& done);

  // Removes and returns the callback of the publish on `stream_id` (null if none).
  Connection::PublishCallback TakePublish(uint32_t stream_id);

  // Connecting.
  void DoStart(std::string host, uint16_t port, Connection::ConnectCallback done);
  void OnConnected();
  void OnTlsHandshake(const boost::system::error_code& ec);
  void SendConnect();
  void CompleteHandshake(const protocol::ConnectAck& ack);

  // Socket I/O.
  void StartRead();
  void OnRead(const boost::system::error_code& ec, size_t bytes);
  absl::Status Send(const protocol::Frame& frame);
  void StartWrite();
  void OnWrite(const boost::system::error_code& ec);

  // Ending.
  void EndSession(const absl::Status& cause);
  void Fail(const absl::Status& cause);  // EndSession + CloseSocket
  void CloseSocket();
  void DoClose(absl::AnyInvocable<void()> done);

  // Preconditions shared by new operations: connection ready, outbound queue not full.
  absl::Status CheckCanStart() const;
  absl::StatusOr<uint32_t> NextStream();

  // Frame handlers. The template swallows the types a client never acts on.
  // `frame` is consumed: handlers may move its fields out.
  void HandleFrame(protocol::Frame& frame);
  void OnFrame(const protocol::Frame& frame, protocol::ConnectError& body);
  void OnFrame(const protocol::Frame& frame, protocol::Disconnect& body);
  void OnFrame(const protocol::Frame& frame, protocol::Ping& body);
  void OnFrame(const protocol::Frame& frame, protocol::Pong& body);
  void OnFrame(const protocol::Frame& frame, protocol::PublishAck& body);
  void OnFrame(const protocol::Frame& frame, protocol::PublishError& body);
  void OnFrame(const protocol::Frame& frame, protocol::SubscribeAck& body);
  void OnFrame(const protocol::Frame& frame, protocol::SubscribeError& body);
  void OnFrame(const protocol::Frame& frame, protocol::Deliver& body);
  void OnFrame(const protocol::Frame& frame, protocol::ConversationMessage& body);
  void OnFrame(const protocol::Frame& frame, protocol::ConversationError& body);
  void OnFrame(const protocol::Frame& frame, protocol::Push& body);
  void OnFrame(const protocol::Frame& frame, protocol::WorkerRegisterAck& body);
  template <typename Body>
  void OnFrame(const protocol::Frame&, Body&) {}

  // Subscriptions.
  SubscriptionState* FindActiveSubscription(uint32_t stream_id);
  void ConsumeDelivery(uint32_t stream_id, SubscriptionState& sub, uint64_t seq);
  void ArmAckTimer(uint32_t stream_id, SubscriptionState& sub);
  void FlushAcks(uint32_t stream_id, SubscriptionState& sub);
  void SendAccept(uint32_t stream_id, uint64_t seq);
  Subscription MakeHandle(uint32_t stream_id, const SubscriptionState& sub);

  // Conversations.
  void DoOpenConversation(uint64_t conversation_id, std::string subject,
                          ConversationHandlers handlers);
  // The conversation's state, or the error an operation on it must fail with.
  absl::StatusOr<ConversationState*> FindConversation(uint64_t conversation_id);
  void OnRequestTimeout(uint64_t conversation_id, uint64_t request_id, absl::Duration timeout);
  void FailConversation(ConversationState& conv, const absl::Status& error);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  // With options_.tls.enabled: the context, and the TLS stream over socket_ once connected.
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  // The connect deadline while connecting, the close linger while closing.
  boost::asio::steady_timer deadline_;
  const ConnectionOptions options_;
  ConnectionHandlers handlers_;
  std::string peer_;  // "host:port", for messages
  std::string host_;  // the host connected to (TLS verifies the certificate against it)

  State state_ = State::kConnecting;
  bool tcp_connected_ = false;  // the byte stream is up (for TLS: the handshake is done)
  bool session_ended_ = false;
  // What an operation on an ended session fails with.
  absl::Status ended_status_;
  std::atomic<bool> draining_{false};

  StreamIdAllocator stream_ids_;
  protocol::FrameStream reader_;
  OutboundQueue outbound_;

  Connection::ConnectCallback connect_done_;
  std::vector<absl::AnyInvocable<void()>> close_done_;
  // Publishes awaiting PublishAck/PublishError, by ascending stream id.
  std::deque<std::pair<uint32_t, Connection::PublishCallback>> publishes_;
  absl::btree_map<uint32_t, std::unique_ptr<SubscriptionState>> subscriptions_;
  absl::btree_map<uint64_t, std::unique_ptr<ConversationState>> conversations_;
  std::deque<PendingPing> pings_;
  std::deque<Connection::WorkerRegisterCallback> worker_registers_;
};

}  // namespace liminal::client::internal

#endif  // LIMINAL_CLIENT_INTERNAL_CONNECTION_IMPL_H_
