// The Socket and Listener seams: event-driven byte streams.
//
// A socket is owned by one process. After StartReading(pid, inbox_limit), bytes arrive as
// SocketData messages and the end of input as one SocketClosed. The owner reports each
// SocketData it has handled with Consumed(bytes); while more than `inbox_limit` delivered
// bytes are unconsumed the socket reads nothing more (TCP then pushes back on the peer), so
// a connection's unprocessed input is bounded by inbox_limit plus one read. Write() only queues;
// the runtime writes as the peer allows (batched) and sends SocketDrained when the queue has fallen
// to the low-water mark after having been above it. Nothing here blocks or polls.
//
//   socket->StartReading(ctx.self(), /*inbox_limit=*/4 << 20);
//   ... on SocketData{bytes}: handle them, then socket->Consumed(bytes.size());
//   socket->Write(std::move(encoded_frames));
//   socket->WriteGathered(std::move(outbound_bytes));   // owned + borrowed pieces, in order
//   if (socket->QueuedBytes() > limit) socket->PauseReading();   // until SocketDrained
//                                          (pausing also arms SocketDrained)
//   socket->Close();   // flushes what is queued (bounded), then closes both directions
#ifndef LIMINAL_CORE_RUNTIME_SOCKET_H_
#define LIMINAL_CORE_RUNTIME_SOCKET_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "core/runtime/outbound_bytes.h"
#include "core/runtime/pid.h"

namespace liminal::runtime {

class Socket {
 public:
  virtual ~Socket() = default;
  virtual void StartReading(Pid owner, size_t inbox_limit) = 0;
  // The owner has handled `bytes` more of the SocketData it was sent.
  virtual void Consumed(size_t bytes) = 0;
  virtual void PauseReading() = 0;
  virtual void ResumeReading() = 0;
  virtual void Write(std::string bytes) = 0;
  // Write() of a batch with borrowed ranges (outbound_bytes.h). A socket that can send the
  // pieces with one gathered write overrides it; by default the batch is flattened.
  virtual void WriteGathered(OutboundBytes bytes) { Write(std::move(bytes).Flatten()); }
  virtual size_t QueuedBytes() const = 0;
  // Idempotent. After Close, Write is a no-op and no further messages are sent.
  virtual void Close() = 0;
  // "host:port" of the remote end, for logs and handles.
  virtual std::string PeerAddress() const = 0;
};

using AcceptCallback = absl::AnyInvocable<void(std::unique_ptr<Socket>)>;

class Listener {
 public:
  virtual ~Listener() = default;
  // Calls `on_accept` (outside any process) for every accepted connection until Stop().
  virtual void StartAccepting(AcceptCallback on_accept) = 0;
  virtual void Stop() = 0;
  virtual std::string LocalAddress() const = 0;
};

}  // namespace liminal::runtime

#endif  // LIMINAL_CORE_RUNTIME_SOCKET_H_
