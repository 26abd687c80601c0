// AsioSocket: the production binding of the Socket seam (core/runtime/socket.h) on a
// connected boost::asio::ip::tcp::socket. AsioListener hands these out; Connect() makes a
// client-side one (tests, tools).
//
//   std::unique_ptr<runtime::Socket> socket =
//       std::make_unique<AsioSocket>(runtime.scheduler(), std::move(tcp_socket));
//   socket->StartReading(pid, 4 << 20);   // SocketData / SocketClosed arrive at `pid`
//   socket->Consumed(n);                  // after handling a SocketData of n bytes
//   socket->Write(std::move(bytes));      // queued; written in gathered batches
//   socket->Close();                      // flush (bounded), then close
//
// Reading: after StartReading(owner) an async read loop sends each chunk it reads as one
// SocketData, then one SocketClosed (OK for EOF, an error for a reset or a failed read or
// write). A socket holds no read buffer: it waits for readiness, recv(2)s up to 64 KiB into
// a per-thread buffer and copies exactly what arrived into the SocketData (one allocation
// of the right size per read). PauseReading() stops the loop: data that
// was already in flight is held back, so nothing arrives between PauseReading() and
// ResumeReading(). The loop also stops while more than the inbox limit of delivered bytes
// has not been reported Consumed(), and starts again once enough has been: a slow owner's
// mailbox never holds more than the limit plus one read.
//
// Writing: Write() appends to an outbound queue (QueuedBytes() grows at once) and at most
// one asio::async_write is in flight, gathering every chunk queued so far. WriteGathered()
// queues an OutboundBytes the same way, its borrowed ranges sent in place (one sendmsg(2)
// with a piece per range) rather than copied. A write error
// drops the queue and ends input with SocketClosed{error}, even while reading is paused.
//
// Backpressure (SocketDrained): the socket arms a low-water mark when a Write takes the
// queue above `high_water_bytes` (64 KiB) and when PauseReading() is called. The mark is
// half of the largest queue size seen since arming; when the queue falls to or below it, the
// owner gets one SocketDrained{queued_bytes} and the mark disarms. So a process that pauses
// at any limit of its own is always told when half of its backlog is gone (at once if the
// queue is already empty), and a peer that reads nothing never causes a Drained/Pause loop.
//
// Close(): idempotent. From the moment it is called, Write is a no-op and the owner gets no
// further message. Queued bytes are flushed, then the send side is shut down and the socket
// reads and discards until the peer's EOF (so unread input cannot turn the close into a
// reset that destroys our last bytes), all within `close_grace`; then the descriptor is
// closed. Destroying the AsioSocket calls Close(); the flush continues in the background.
//
// Thread-safety: every method may be called from any thread (the owning process's slice,
// timers, other threads). The I/O itself runs on a per-socket strand; messages are sent to
// the owner under the socket's lock, so they arrive in order. Nothing blocks.
#ifndef LIMINAL_IO_RUNTIME_ASIO_SOCKET_H_
#define LIMINAL_IO_RUNTIME_ASIO_SOCKET_H_

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/host_port.h"
#include "core/runtime/scheduler.h"
#include "core/runtime/socket.h"

namespace liminal::io {

class AsioRuntime;

struct SocketOptions {
  // A Write that takes the outbound queue above this arms SocketDrained.
  size_t high_water_bytes = 64 * 1024;
  // Upper bound on Close(): flushing the queue plus waiting for the peer's EOF.
  absl::Duration close_grace = absl::Seconds(5);
};

class AsioSocket final : public runtime::Socket {
 public:
  // `socket` must be connected. Messages go to processes of `scheduler`. Sets TCP_NODELAY.
  AsioSocket(runtime::Scheduler& scheduler, boost::asio::ip::tcp::socket socket,
             SocketOptions options = {});
  ~AsioSocket() override;
  AsioSocket(const AsioSocket&) = delete;
  AsioSocket& operator=(const AsioSocket&) = delete;

  // Connects to `address` (resolving the host). Blocks the calling thread, so never call it
  // from a process slice or a runtime task.
  static absl::StatusOr<std::unique_ptr<AsioSocket>> Connect(AsioRuntime& runtime,
                                                             const config::HostPort& address,
                                                             SocketOptions options = {});

  void StartReading(runtime::Pid owner, size_t inbox_limit) override;
  void Consumed(size_t bytes) override;
  void PauseReading() override;
  void ResumeReading() override;
  void Write(std::string bytes) override;
  void WriteGathered(runtime::OutboundBytes bytes) override;
  size_t QueuedBytes() const override;
  void Close() override;
  std::string PeerAddress() const override;

  // Gathered writes started so far (each covers every chunk queued when it began). With the
  // bytes written it gives the average batch size, for metrics and tests.
  uint64_t write_batches() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_ASIO_SOCKET_H_
