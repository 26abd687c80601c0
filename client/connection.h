// The asynchronous liminal client: one TCP connection to liminald, driven by Boost.Asio.
//
//   boost::asio::io_context io;                       // or IoThread for a background thread
//   ConnectionHandlers handlers;
//   handlers.on_closed = [](absl::Status why) { ... };
//   std::unique_ptr<Connection> conn;
//   Connection::Connect(io.get_executor(), "127.0.0.1", 7400, ConnectionOptions{},
//                       std::move(handlers), [&](absl::StatusOr<std::unique_ptr<Connection>> c) {
//     if (!c.ok()) return Fail(c.status());   // e.g. "AuthenticationFailure (0x0006): ..."
//     conn = *std::move(c);
//     conn->Publish("orders", R"({"id":1})", {}, [](absl::StatusOr<PublishResult> r) { ... });
//     SubscriptionHandlers on;
//     on.on_delivery = [](const Subscription&, Delivery d) { ... };
//     conn->Subscribe("orders", {}, std::move(on), [](absl::StatusOr<Subscription> s) { ... });
//     conn->Ping([](absl::StatusOr<absl::Duration> rtt) { ... });
//   });
//   io.run();
//
// Connect resolves the host, opens TCP, sends Connect (version 1.0..1.0, the auth token)
// and completes once ConnectAck arrives; ConnectError completes it with the server's reason
// code (e.g. AuthenticationFailure → UNAUTHENTICATED). ConnectionOptions::connect_timeout
// bounds all of it.
//
// Streams: every request, subscription and conversation gets its own odd stream id (3, 5,
// 7, ...; see StreamIdAllocator), and responses are routed by stream id. Push frames are
// routed by type (liminald sends them on stream 1); Ping/Pong and WorkerRegister/Ack use
// stream 0 and are matched first-in, first-out.
//
// Completion guarantees: every callback passed to an operation runs exactly once. When the
// connection ends (server closed it, I/O error, protocol error, Close()) every pending
// operation fails with a Disconnected error (UNAVAILABLE, ErrorKind::kDisconnected, see
// client_error.h), subscriptions get on_end, and ConnectionHandlers::on_closed runs once
// with the cause. Operations started afterwards fail the same way.
//
// A Disconnect frame from the server means it is draining: on_draining runs and draining()
// turns true; the connection stays usable until the server closes it.
//
// Thread-safety: thread-safe. Every method may be called from any thread, including from
// inside callbacks; operations are posted to a strand of the executor, so the executor may
// be run by several threads. All callbacks and handlers run on that strand, one at a time,
// and must not block (use BlockingClient for blocking calls). Destroying the Connection
// closes it (as Close()); callbacks still pending then fail with Disconnected on the strand.
#ifndef LIMINAL_CLIENT_CONNECTION_H_
#define LIMINAL_CLIENT_CONNECTION_H_

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/connection_options.h"
#include "client/conversation.h"
#include "client/publish.h"
#include "client/push.h"
#include "client/subscribe_options.h"
#include "client/subscription.h"
#include "client/worker_registration.h"

namespace liminal::client {

// Connection-wide event handlers, all optional, all run on the connection's strand.
struct ConnectionHandlers {
  // Server pushes. Installed before the handshake so no push is missed. Without a handler
  // pushes are ignored (the server's awaiter times out). See push.h.
  PushHandler on_push;
  // The server sent Disconnect: it is shutting down and will close the connection.
  absl::AnyInvocable<void()> on_draining;
  // Runs once when an established connection ends, with the cause: a Disconnected error
  // (peer close, I/O error, server ConnectError), a protocol error, or a Disconnected error
  // saying the client closed it.
  absl::AnyInvocable<void(absl::Status)> on_closed;
};

class Connection {
 public:
  using ConnectCallback = absl::AnyInvocable<void(absl::StatusOr<std::unique_ptr<Connection>>)>;
  using PublishCallback = absl::AnyInvocable<void(absl::StatusOr<PublishResult>)>;
  using SubscribeCallback = absl::AnyInvocable<void(absl::StatusOr<Subscription>)>;
  using WorkerRegisterCallback = absl::AnyInvocable<void(absl::StatusOr<WorkerRegisterResult>)>;
  using PingCallback = absl::AnyInvocable<void(absl::StatusOr<absl::Duration>)>;

  // Connects and handshakes; `done` runs on the connection's strand with the connection or
  // the error (a ServerError carrying the ConnectError reason, a client timeout, or a
  // Disconnected/transport error).
  static void Connect(boost::asio::any_io_executor executor, std::string host, uint16_t port,
                      ConnectionOptions options, ConnectionHandlers handlers, ConnectCallback done);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Publishes `payload` (the envelope payload) to `channel`; completes with PublishAck or
  // the server's PublishError. Called from one of this connection's own callbacks, the
  // frame is queued at once (in call order); `done` never runs inside Publish().
  void Publish(std::string channel, std::string payload, PublishOptions options,
               PublishCallback done);

  // Subscribes to `channel`; `done` runs with the Subscription after SubscribeAck, or with
  // the SubscribeError. Deliveries then go to handlers.on_delivery (see subscription.h).
  void Subscribe(std::string channel, SubscribeOptions options, SubscriptionHandlers handlers,
                 SubscribeCallback done);

  // Opens a conversation with the participant for `subject` (see conversation.h). Fails at
  // once only when the connection has run out of stream ids.
  absl::StatusOr<Conversation> OpenConversation(std::string subject,
                                                ConversationHandlers handlers = {});

  // Sends WorkerRegister; completes with Accepted or Rejected(reason).
  void RegisterWorker(WorkerRegistration registration, WorkerRegisterCallback done);

  // Sends Ping; completes with the round-trip time when the matching Pong arrives.
  void Ping(PingCallback done);

  // The connection's strand as an executor: handlers posted to it (and timers bound to it)
  // run one at a time with the connection's own callbacks, and Publish() called from one of
  // them is encoded at once instead of taking a hop through the strand's queue. A producer
  // that resumes from outside the connection's callbacks (a flow-control hook, a pacing
  // timer) should run there.
  boost::asio::any_io_executor executor() const;

  // Replaces the push handler (see push.h). Pushes arriving meanwhile use the old one.
  void SetPushHandler(PushHandler handler);
  void SetPushHandler(SyncPushHandler handler);

  // True once the server has sent Disconnect.
  bool draining() const;

  // Fails pending operations (Disconnected, "closed by client"), flushes batched acks,
  // sends Disconnect and closes the socket once the queue is written or
  // ConnectionOptions::close_linger has passed. `done` (optional) runs when the socket is
  // closed. Idempotent: a second call only adds `done`.
  void Close(absl::AnyInvocable<void()> done = nullptr);

 private:
  friend class internal::ConnectionImpl;
  explicit Connection(std::shared_ptr<internal::ConnectionImpl> impl);

  std::shared_ptr<internal::ConnectionImpl> impl_;
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_CONNECTION_H_
