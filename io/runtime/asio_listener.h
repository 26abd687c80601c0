// AsioListener: the production binding of the Listener seam (core/runtime/socket.h): a TCP
// acceptor bound to host:port whose accept loop hands each connection, as an AsioSocket, to
// a callback.
//
//   absl::StatusOr<std::unique_ptr<io::AsioListener>> listener =
//       io::AsioListener::Bind(runtime, {"127.0.0.1", 0});   // port 0: any free port
//   if (!listener.ok()) return listener.status();  // "cannot bind listener 127.0.0.1:80: ..."
//   (*listener)->LocalAddress();                   // "127.0.0.1:41873", the actual port
//   (*listener)->StartAccepting([&](std::unique_ptr<runtime::Socket> socket) {
//     supervisor.SpawnConnection(std::move(socket));
//   });
//   (*listener)->Stop();
//
// TLS: when ListenerOptions::tls holds a server context (io/tls/server_tls_context.h), each
// accepted connection first completes a TLS handshake — asynchronously, within
// tls_handshake_timeout (io/tls/server_tls_handshake.h) — and is handed over as a TlsSocket;
// a failed or timed-out handshake is closed cleanly and never reaches the callback. At most
// max_pending_tls_handshakes run at once; a connection beyond that is closed at once.
//
// The callback runs on the runtime's threads, outside any process, one call at a time. If
// accept fails for lack of resources (EMFILE, ENFILE, ENOBUFS, ENOMEM), the error is logged
// and the loop backs off (10ms doubling to 1s by default, see accept_backoff.h) instead of
// spinning; a successful accept resets the delay.
//
// Thread-safety: all methods are thread-safe. After Stop() returns the callback is not
// called again (Stop waits for a call in progress, unless Stop is called from inside the
// callback itself). Destroying the listener stops it. The runtime must be running for
// anything to be accepted, and must outlive the listener.
#ifndef LIMINAL_IO_RUNTIME_ASIO_LISTENER_H_
#define LIMINAL_IO_RUNTIME_ASIO_LISTENER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/config/host_port.h"
#include "core/runtime/socket.h"
#include "io/runtime/asio_socket.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace liminal::io {

class AsioRuntime;

struct ListenerOptions {
  absl::Duration initial_backoff = absl::Milliseconds(10);
  absl::Duration max_backoff = absl::Seconds(1);
  // Options for every accepted socket.
  SocketOptions socket;
  // Serve TLS with this context (none: plaintext).
  std::shared_ptr<boost::asio::ssl::context> tls;
  absl::Duration tls_handshake_timeout = absl::Seconds(10);
  size_t max_pending_tls_handshakes = 1024;
};

class AsioListener final : public runtime::Listener {
 public:
  // Resolves `address` (first result wins), opens, sets SO_REUSEADDR, binds and listens with
  // the system's maximum backlog (io/health/bind_acceptor.h, shared with the health port).
  static absl::StatusOr<std::unique_ptr<AsioListener>> Bind(AsioRuntime& runtime,
                                                            const config::HostPort& address,
                                                            ListenerOptions options = {});
  ~AsioListener() override;
  AsioListener(const AsioListener&) = delete;
  AsioListener& operator=(const AsioListener&) = delete;

  // Starts the accept loop (the first call; later calls only replace the callback).
  void StartAccepting(runtime::AcceptCallback on_accept) override;
  // Stops accepting and closes the listening socket. Idempotent.
  void Stop() override;
  // The bound "host:port" (the real port when 0 was asked for).
  std::string LocalAddress() const override;

  // Counters for logs and metrics.
  uint64_t accepted() const;
  uint64_t resource_errors() const;         // EMFILE/ENFILE/ENOBUFS/ENOMEM seen (each backed off)
  uint64_t tls_handshake_failures() const;  // failed, timed out or refused for the cap

 private:
  class Impl;
  explicit AsioListener(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_RUNTIME_ASIO_LISTENER_H_
