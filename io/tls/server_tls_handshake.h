// The server side of a TLS handshake on a freshly accepted TCP connection: asynchronous (it
// never blocks a serving thread) and bounded by a timeout, so a client that connects and never
// handshakes holds nothing for longer than that. AsioListener runs it for every connection
// when its ListenerOptions carry a TLS context, and hands over a TlsSocket only on success.
//
//   AcceptTlsHandshake(std::move(tcp_socket), context,
//                      {.timeout = absl::Seconds(10), .linger = absl::Seconds(5)},
//                      [](absl::StatusOr<TlsSocket::Stream> stream) {
//                        if (!stream.ok()) return log(stream.status());   // already closed
//                        use(std::move(*stream));
//                      });
//
// On failure the connection is closed by this function, cleanly: after a failed handshake
// (a plaintext client, a client that refuses our certificate, a client certificate that does
// not verify) our side is half-closed and the peer's remaining input is read and dropped until
// it closes too (at most `linger`), so the peer sees an orderly end of stream — never a reset
// and never a hang. After the timeout the connection is closed at once. The error names the
// peer and OpenSSL's reason ("TLS handshake with 127.0.0.1:5000 failed: wrong version
// number"), or DEADLINE_EXCEEDED for the timeout.
//
// `done` runs exactly once, on an Asio thread of the socket's executor, never inside the call.
#ifndef LIMINAL_IO_TLS_SERVER_TLS_HANDSHAKE_H_
#define LIMINAL_IO_TLS_SERVER_TLS_HANDSHAKE_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "io/tls/tls_socket.h"

namespace liminal::io {

struct TlsHandshakeLimits {
  absl::Duration timeout = absl::Seconds(10);  // connect → handshake done
  absl::Duration linger = absl::Seconds(5);    // draining a failed peer before closing
};

using TlsHandshakeCallback = absl::AnyInvocable<void(absl::StatusOr<TlsSocket::Stream>)>;

void AcceptTlsHandshake(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<boost::asio::ssl::context> context,
                        TlsHandshakeLimits limits, TlsHandshakeCallback done);

}  // namespace liminal::io

#endif  // LIMINAL_IO_TLS_SERVER_TLS_HANDSHAKE_H_
