// The seam between a connection's protocol handling (ConnectionProcess) and the server's
// application logic (channels, subscriptions, conversations, durability). The process owns
// the handshake, keepalive, push replies and worker registration; everything else goes to
// the connection's ConnectionSession.
//
//   class Services : public ConnectionServices {
//     std::unique_ptr<ConnectionSession> OpenSession() override;
//     absl::Status FlushDurableState() override;
//   };
#ifndef LIMINAL_CORE_SERVER_CONNECTION_SERVICES_H_
#define LIMINAL_CORE_SERVER_CONNECTION_SERVICES_H_

#include <memory>

#include "absl/status/status.h"
#include "core/protocol/frame.h"
#include "core/runtime/pid.h"
#include "core/server/access_guard.h"

namespace liminal::server {

// How a session talks back to its client. Implemented by ConnectionProcess; only valid
// during the call it is passed to.
class ConnectionOutput {
 public:
  virtual ~ConnectionOutput() = default;
  virtual runtime::Pid pid() const = 0;
  // Queues a frame for the socket (frames written in one slice go out in one batch).
  virtual void Send(const protocol::Frame& frame) = 0;
  // Queues Deliver(stream_id, delivery_seq, envelope under `schema_id`): the same bytes as
  // Send() with that frame, encoded straight from the shared envelope without copying it
  // into a Frame; a large payload is written from the envelope itself, which the output
  // keeps alive until then. `schema_id` is the subscription's selected schema (wire §9).
  virtual void SendDeliver(uint32_t stream_id, uint64_t delivery_seq,
                           const protocol::SchemaId& schema_id,
                           const std::shared_ptr<const protocol::Envelope>& envelope) = 0;
  // False once the outbound queue is over max_outbound_bytes: hold deliveries back until
  // the next Pump.
  virtual bool HasOutboundRoom() const = 0;
  // The connection's permission checks: the session calls Check() where it dispatches
  // Publish, Subscribe and ConversationOpen, and answers a denial with E_FORBIDDEN.
  virtual AccessGuard& access() = 0;
};

// Per-connection application state. Its handlers and Pump run inside the connection's
// process; Release may run outside it (after a crash), but never concurrently with them.
//
// The connection process tells a frame's type apart exactly once (its frame visitor) and
// calls the one handler for it: one per application frame type. `frame` carries the header
// (stream id, flags); the body is the same frame's, and the session's to consume: it may
// move fields (a payload) out of it.
class ConnectionSession {
 public:
  virtual ~ConnectionSession() = default;
  virtual void OnSubscribe(const protocol::Frame& frame, protocol::Subscribe& subscribe,
                           ConnectionOutput& out) = 0;
  virtual void OnUnsubscribe(const protocol::Frame& frame, protocol::Unsubscribe& unsubscribe,
                             ConnectionOutput& out) = 0;
  virtual void OnPublish(const protocol::Frame& frame, protocol::Publish& publish,
                         ConnectionOutput& out) = 0;
  virtual void OnConversationOpen(const protocol::Frame& frame, protocol::ConversationOpen& open,
                                  ConnectionOutput& out) = 0;
  virtual void OnConversationMessage(const protocol::Frame& frame,
                                     protocol::ConversationMessage& message,
                                     ConnectionOutput& out) = 0;
  virtual void OnConversationClose(const protocol::Frame& frame, protocol::ConversationClose& close,
                                   ConnectionOutput& out) = 0;
  virtual void OnAccept(const protocol::Frame& frame, protocol::Accept& accept,
                        ConnectionOutput& out) = 0;
  virtual void OnDefer(const protocol::Frame& frame, protocol::Defer& defer,
                       ConnectionOutput& out) = 0;
  virtual void OnReject(const protocol::Frame& frame, protocol::Reject& reject,
                        ConnectionOutput& out) = 0;
  // Called when the process is woken or its socket drained: move ready work (deliveries,
  // conversation replies) to `out` while it has room.
  virtual void Pump(ConnectionOutput& out) = 0;
  // True while the connection holds at least one subscription (NotifyShutdown's filter).
  virtual bool HasSubscriptions() const = 0;
  // Releases every resource the connection owns. Called exactly once.
  virtual void Release() = 0;
};

class ConnectionServices {
 public:
  virtual ~ConnectionServices() = default;
  // Called before the connection's process exists; the session learns its pid from
  // ConnectionOutput::pid() on its first handler call.
  virtual std::unique_ptr<ConnectionSession> OpenSession() = 0;
  virtual absl::Status FlushDurableState() = 0;
};

}  // namespace liminal::server

#endif  // LIMINAL_CORE_SERVER_CONNECTION_SERVICES_H_
