// The Redis driver: starts redis-server (redis_server.h) and runs the workloads through
// hiredis (blocking contexts, one thread per connection).
//
//   std::unique_ptr<Driver> redis = MakeRedisDriver({.binary = "/usr/bin/redis-server"});
//
// How each workload drives Redis pub/sub:
//   * pub→sub / fan-out: one publisher thread pipelining PUBLISH commands, at most
//     PubSubSpec::publish_window replies outstanding (read back in half-window batches) and
//     at most e2e_window messages ahead of the slowest subscriber; each subscriber is a
//     SUBSCRIBE connection read by its own thread.
//   * request/reply: Redis has none, so the equivalent is measured: the requester PUBLISHes
//     on bench.request and waits for the message on bench.reply, which a responder client
//     (subscribed to bench.request) PUBLISHes back — the same two hops through the server
//     as a NATS request.
//   * idle connections: raw sockets sending PING, complete on +PONG.
//
// Thread-safety: not thread-safe (see driver.h).
#ifndef LIMINAL_BENCH_REDIS_DRIVER_H_
#define LIMINAL_BENCH_REDIS_DRIVER_H_

#include <memory>

#include "bench/driver.h"
#include "bench/redis_server.h"

namespace liminal::bench {

std::unique_ptr<Driver> MakeRedisDriver(RedisLaunchOptions options);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_REDIS_DRIVER_H_
