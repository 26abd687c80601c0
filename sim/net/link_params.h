// How the simulated network treats one connection, per direction: latency (plus seeded
// jitter, never reordering bytes), splitting of writes into arbitrary chunks (down to one
// byte), and, for the server-to-client direction, the receive window of the client, which
// is what makes the server's outbound queue grow for a slow reader.
#ifndef LIMINAL_SIM_NET_LINK_PARAMS_H_
#define LIMINAL_SIM_NET_LINK_PARAMS_H_

#include <cstddef>
#include <string>

#include "absl/time/time.h"

namespace liminal::sim {

struct LinkParams {
  absl::Duration latency = absl::ZeroDuration();
  absl::Duration jitter = absl::ZeroDuration();  // extra delay in [0, jitter] per chunk
  size_t max_chunk = 0;  // 0: a write travels whole; n: chunks of 1..n bytes
};

struct ConnectionParams {
  LinkParams client_to_server;
  LinkParams server_to_client;
  absl::Duration accept_delay = absl::ZeroDuration();  // connect → listener sees it
  size_t window = 1 << 20;  // server→client bytes in flight or unread by the client
  size_t low_water = 0;     // SocketDrained once the server's queue falls to this
  std::string peer_address = "10.0.0.2:40000";
};

}  // namespace liminal::sim

#endif  // LIMINAL_SIM_NET_LINK_PARAMS_H_
