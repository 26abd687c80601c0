// Settings of one client connection, shared by Connection and BlockingClient.
//
//   ConnectionOptions options;
//   options.auth_token = "s3cret";
//   options.connect_timeout = absl::Seconds(2);
//   auto client = BlockingClient::Connect("127.0.0.1", 7400, options);
//
// Thread-safety: a plain value type.
#ifndef LIMINAL_CLIENT_CONNECTION_OPTIONS_H_
#define LIMINAL_CLIENT_CONNECTION_OPTIONS_H_

#include <cstddef>
#include <string>

#include "absl/time/time.h"
#include "client/tls_options.h"

namespace liminal::client {

struct ConnectionOptions {
  // Sent in Connect; opaque bytes. Empty when the server does not require authentication.
  std::string auth_token;

  // TLS to a liminald with a [tls] section (off by default; see tls_options.h).
  TlsOptions tls;

  // Bounds name resolution, the TCP connect, the TLS handshake and the Connect/ConnectAck
  // handshake together.
  absl::Duration connect_timeout = absl::Seconds(10);

  // Largest frame (header + payload) accepted from the server. A bigger frame is refused as
  // soon as its header arrives and ends the connection with a protocol error.
  size_t max_frame_bytes = size_t{16} << 20;  // 16 MiB

  // New operations fail with RESOURCE_EXHAUSTED while more than this many encoded bytes
  // wait to be written (the server is not reading fast enough). Acks, pongs and push
  // replies are never refused.
  size_t max_outbound_bytes = size_t{64} << 20;

  // On Close(), how long to wait for queued frames and the final Disconnect to be written
  // before the socket is closed regardless.
  absl::Duration close_linger = absl::Seconds(1);
};

}  // namespace liminal::client

#endif  // LIMINAL_CLIENT_CONNECTION_OPTIONS_H_
