// The NATS driver: starts nats-server (nats_server.h) and runs the workloads through the
// NATS C client (libnats, CMake package cnats).
//
//   std::unique_ptr<Driver> nats = MakeNatsDriver({.binary = "/usr/sbin/nats-server"});
//   ...
//   ShutdownNatsLibrary();   // once, at exit
//
// How each workload drives NATS:
//   * pub→sub / fan-out: one publisher thread calling natsConnection_Publish (buffered; NATS
//     has no publish acknowledgement), at most PubSubSpec::e2e_window messages ahead of the
//     slowest subscriber; each subscriber is an asynchronous subscription on its own
//     connection (libnats's reader and delivery threads).
//   * request/reply: natsConnection_Request (new-style, shared reply inbox) against a
//     responder connection that answers from its subscription callback with SendAsap.
//   * idle connections: raw sockets sending CONNECT + PING, complete on PONG.
//
// Thread-safety: not thread-safe (see driver.h).
#ifndef LIMINAL_BENCH_NATS_DRIVER_H_
#define LIMINAL_BENCH_NATS_DRIVER_H_

#include <memory>

#include "bench/driver.h"
#include "bench/nats_server.h"

namespace liminal::bench {

std::unique_ptr<Driver> MakeNatsDriver(NatsLaunchOptions options);

// Releases libnats's global state if a NATS driver initialised it.
void ShutdownNatsLibrary();

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_NATS_DRIVER_H_
