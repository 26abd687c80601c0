// Loopback ports for servers that cannot bind port 0 themselves (redis-server), and a
// single connect probe with a deadline to confirm a server is accepting.
//
//   absl::StatusOr<uint16_t> port = ReserveFreePort();       // bind 127.0.0.1:0, release
//   ... start the server on *port ...
//   absl::Status up = ProbeConnect("127.0.0.1", *port, absl::Seconds(2));
//
// ReserveFreePort is inherently racy (another process may take the port before the server
// binds it); callers retry the launch on a bind failure.
//
// Thread-safety: free functions; safe from any thread.
#ifndef LIMINAL_BENCH_LOOPBACK_PORT_H_
#define LIMINAL_BENCH_LOOPBACK_PORT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace liminal::bench {

absl::StatusOr<uint16_t> ReserveFreePort();

// One TCP connect to host:port (an IPv4 literal) bounded by `timeout`; the socket is closed
// again at once.
absl::Status ProbeConnect(const std::string& host, uint16_t port, absl::Duration timeout);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_LOOPBACK_PORT_H_
