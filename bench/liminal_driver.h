// The liminald driver: starts liminald (liminald_server.h) and runs the workloads with the
// asynchronous client library (client/connection.h), one IoThread per client connection.
//
//   std::unique_ptr<Driver> liminald = MakeLiminalDriver({.binary = DefaultLiminaldPath()});
//
// How each workload drives liminald:
//   * pub→sub / fan-out: the publisher pipelines Publish calls, keeping at most
//     PubSubSpec::publish_window PublishAcks outstanding (and at most e2e_window messages
//     ahead of the slowest subscriber); each subscriber subscribes with max_in_flight 8192
//     and AckMode::kAuto (batched cumulative Accepts).
//   * request/reply: one conversation with a subject that has no responder, so liminald's
//     built-in echo responder answers; each reply callback sends the next request.
//   * push round trip: a worker connection registers (task_queue "bench") and answers every
//     Push with "pushed:" + payload; a requester converses on subject "worker.bench". If
//     liminald answers with the echo responder instead, worker dispatch is not wired and
//     the workload reports UNIMPLEMENTED.
//   * idle connections: raw sockets sending an encoded Connect, complete on ConnectAck.
//
// Thread-safety: not thread-safe (see driver.h).
#ifndef LIMINAL_BENCH_LIMINAL_DRIVER_H_
#define LIMINAL_BENCH_LIMINAL_DRIVER_H_

#include <memory>

#include "bench/driver.h"
#include "bench/liminald_server.h"

namespace liminal::bench {

std::unique_ptr<Driver> MakeLiminalDriver(LiminaldLaunchOptions options);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_LIMINAL_DRIVER_H_
