// Driver: the small interface behind which each system under benchmark (liminald, NATS,
// Redis) starts its server and runs the workloads with its own client library. Workloads
// (workload.h) only talk to this interface, so every system runs exactly the same workload
// definition.
//
//   std::unique_ptr<Driver> nats = MakeNatsDriver(options);      // nats_driver.h
//   if (absl::Status s = nats->StartServer(); !s.ok()) ...       // fresh nats-server
//   absl::StatusOr<PubSubResult> r = nats->RunPubSub({.subscribers = 1, .payload_bytes = 16});
//   nats->StopServer();
//
// A workload a system does not offer returns UNIMPLEMENTED with the reason (reported as
// "unavailable", not as an error); e.g. RunPushRoundTrip on NATS, or on a liminald whose
// worker dispatch is not wired.
//
// Thread-safety: not thread-safe; one harness thread drives a driver.
#ifndef LIMINAL_BENCH_DRIVER_H_
#define LIMINAL_BENCH_DRIVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/idle_connections.h"
#include "bench/server_process.h"

namespace liminal::bench {

enum class System { kLiminald, kNats, kRedis };

// "liminald", "nats", "redis".
const char* SystemName(System system);

// How a server is configured for a workload (Workload::server_mode()).
enum class ServerMode {
  kDefault,  // the system's defaults: in-memory pub/sub
  // Durable: liminald's `bench` channel is durable with fsync = "always", under a
  // persistence_path in the server's temporary directory; nats-server runs JetStream (`-js`)
  // with its store in a temporary directory. Redis has no durable mode.
  kDurable,
  // TLS: liminald serves its protocol listener over TLS ([tls] with a throwaway CA and
  // certificate written into the server's temporary directory, io/tls/throwaway_pki.h; the
  // clients verify it against that CA). liminald only.
  kTls,
};

// "default", "durable", "tls".
const char* ServerModeName(ServerMode mode);

// Publishers and subscribers on one channel/subject.
struct PubSubSpec {
  int subscribers = 1;
  size_t payload_bytes = 16;
  absl::Duration warmup = absl::Milliseconds(500);
  absl::Duration measure = absl::Seconds(2);
  // Most publishes awaiting their acknowledgement (systems that acknowledge publishes:
  // liminald's PublishAck, Redis's integer reply). NATS publishes are not acknowledged, so
  // by default this equals e2e_window: the one bound every system shares.
  uint64_t publish_window = 4096;
  // Most messages the publisher may be ahead of the slowest subscriber (delivery_window.h).
  uint64_t e2e_window = 4096;
  // On the durable channel (liminald) / JetStream stream (NATS): needs a server started in
  // ServerMode::kDurable.
  bool durable = false;
  // Over TLS (liminald): needs a server started in ServerMode::kTls.
  bool tls = false;
  // Independent channels (at most kMaxPubSubChannels), each with its own publisher and
  // `subscribers` subscribers and its own e2e window; the result sums them. One channel is
  // "bench"; several are "bench.0", "bench.1", ... (PubSubChannel).
  int channels = 1;
};

inline constexpr int kMaxPubSubChannels = 8;

// The name of channel `index` of a run with `channels` channels.
std::string PubSubChannel(int index, int channels);

// One publisher offering a fixed rate to one subscriber (the latency-under-load workload).
struct LoadLatencySpec {
  size_t payload_bytes = 256;
  double messages_per_second = 0;  // offered
  absl::Duration warmup = absl::Milliseconds(500);
  absl::Duration measure = absl::Seconds(2);
  size_t max_samples = 4'000'000;
  // liminald: most unacknowledged publishes.
  uint64_t publish_window = 4096;
};

struct LoadLatencyResult {
  std::vector<int64_t> latencies_ns;  // publish->deliver, messages sent in the window
  uint64_t sent_in_window = 0;
  uint64_t delivered_in_window = 0;
};

struct PubSubResult {
  double deliveries_per_second = 0;  // all subscribers together
  double publishes_per_second = 0;
  uint64_t deliveries = 0;  // within the measured window
  absl::Duration elapsed;
  // CPU time used during the measured window by the server process and by this harness
  // process (the client libraries, publisher and subscribers); zero when unreadable.
  absl::Duration server_cpu;
  absl::Duration harness_cpu;
  // The server's resident memory at the end of the measured window, when readable.
  std::optional<int64_t> server_rss_bytes;
};

// One requester doing round trips back to back.
struct LatencySpec {
  size_t payload_bytes = 64;
  absl::Duration warmup = absl::Milliseconds(300);
  absl::Duration measure = absl::Seconds(2);
  size_t max_samples = 2'000'000;
  absl::Duration request_timeout = absl::Seconds(5);
};

struct LatencyResult {
  std::vector<int64_t> round_trips_ns;  // the measured window only
};

class Driver {
 public:
  virtual ~Driver() = default;

  virtual System system() const = 0;

  // Starts a fresh server configured for `mode` (stopping the previous one first).
  absl::Status StartServer(ServerMode mode = ServerMode::kDefault);
  // Stops the server; a no-op when none runs.
  void StopServer();
  // The running server; null when none runs.
  const ServerProcess* server() const { return server_.get(); }
  // The mode the running (or last) server was started in.
  ServerMode server_mode() const { return server_mode_; }

  // A one-line description of the server (binary and version), for the report.
  virtual std::string ServerDescription() const = 0;

  // Workload 1 and 2: one publisher, spec.subscribers subscribers.
  virtual absl::StatusOr<PubSubResult> RunPubSub(const PubSubSpec& spec) = 0;

  // Workload 3: request/reply round trips. RequestReplyMethod() says how the system does it.
  virtual std::string RequestReplyMethod() const = 0;
  virtual absl::StatusOr<LatencyResult> RunRequestReply(const LatencySpec& spec) = 0;

  // Workload 4: the bytes that complete one client handshake, for raw idle connections.
  virtual IdleHandshake IdleConnectionHandshake() const = 0;

  // Workload 5 (liminald only): request → server Push to a registered worker → PushReply.
  virtual absl::StatusOr<LatencyResult> RunPushRoundTrip(const LatencySpec& spec);

  // Latency under load: publish→deliver latency at a fixed offered rate (UNIMPLEMENTED by
  // default), and how the system is driven for it.
  virtual absl::StatusOr<LoadLatencyResult> RunPublishLatency(const LoadLatencySpec& spec);
  virtual std::string PublishLatencyMethod() const { return ""; }

  // Durable workloads, on a server started in ServerMode::kDurable (UNIMPLEMENTED by default).
  // RunPubSub with PubSubSpec::durable is the durable pub→sub; RunDurablePublish is one
  // publisher with one publish outstanding, each round trip ending when the system has
  // acknowledged the publish as stored (liminald PublishAck, JetStream PubAck); no
  // subscribers. Each round trip is a sample.
  virtual absl::StatusOr<LatencyResult> RunDurablePublish(const LatencySpec& spec);
  // When the system's durable store syncs relative to its acknowledgement, for the report,
  // e.g. "fsync always (ack after fsync, group commit)"; empty without a durable mode.
  // Called after the durable workloads ran, so it may report what they observed.
  virtual std::string DurableSyncSetting() const { return ""; }
  // How the durable pub→sub and publish→ack workloads drive the system.
  virtual std::string DurablePubSubMethod() const { return ""; }
  virtual std::string DurablePublishMethod() const { return ""; }

 protected:
  // UNIMPLEMENTED for a mode the system does not offer.
  virtual absl::StatusOr<std::unique_ptr<ServerProcess>> LaunchServer(ServerMode mode) = 0;

  // The server to run against; FAILED_PRECONDITION if none runs.
  absl::StatusOr<const ServerProcess*> RunningServer() const;
  // The same, also FAILED_PRECONDITION when it was not started in `mode`.
  absl::StatusOr<const ServerProcess*> RunningServer(ServerMode mode) const;

 private:
  std::unique_ptr<ServerProcess> server_;
  ServerMode server_mode_ = ServerMode::kDefault;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_DRIVER_H_
