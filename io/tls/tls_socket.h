// TlsSocket: the Socket seam (core/runtime/socket.h) over TLS — an asio::ssl::stream on a
// connected TCP socket whose handshake has completed. It behaves exactly as AsioSocket
// (io/runtime/asio_socket.h: read loop, inbox limit, pause/resume, batched writes,
// SocketDrained, bounded close) — both are StreamSocketImpl (io/runtime/stream_socket_impl.h) —
// so the core never knows whether a connection is encrypted. AsioListener hands these out when
// its ListenerOptions carry a TLS context (the handshake runs first: server_tls_handshake.h).
//
//   std::unique_ptr<runtime::Socket> socket =
//       std::make_unique<TlsSocket>(runtime.scheduler(), std::move(handshaken_stream));
//   socket->StartReading(pid, 4 << 20);   // decrypted bytes arrive as SocketData
//
// Differences that follow from TLS: every write is sealed on the socket's strand (a batch of
// frames as one buffer, so as few records as possible); Close() flushes, sends close_notify
// and waits (within close_grace) for the peer's; a peer that closes TCP without close_notify
// ends input normally (frames are self-delimiting, so a truncated stream cannot pass for a
// complete one).
//
// Thread-safety: as AsioSocket — every method from any thread; nothing blocks.
#ifndef LIMINAL_IO_TLS_TLS_SOCKET_H_
#define LIMINAL_IO_TLS_TLS_SOCKET_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/runtime/scheduler.h"
#include "core/runtime/socket.h"
#include "io/runtime/asio_socket.h"

namespace liminal::io {

class TlsSocket final : public runtime::Socket {
 public:
  using Stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  // `stream` must have completed its TLS handshake. Messages go to processes of `scheduler`.
  TlsSocket(runtime::Scheduler& scheduler, Stream stream, SocketOptions options = {});
  ~TlsSocket() override;
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  void StartReading(runtime::Pid owner, size_t inbox_limit) override;
  void Consumed(size_t bytes) override;
  void PauseReading() override;
  void ResumeReading() override;
  void Write(std::string bytes) override;
  void WriteGathered(runtime::OutboundBytes bytes) override;
  size_t QueuedBytes() const override;
  void Close() override;
  std::string PeerAddress() const override;

  uint64_t write_batches() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_TLS_TLS_SOCKET_H_
