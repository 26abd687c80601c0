// SoakTraffic: the soak run's population (soak.h) — a fixed number of liminald client
// connections kept busy with mixed traffic until Stop():
//   * publishers publishing 32 B / 256 B / 2 KiB messages round-robin over the channels, at
//     most kPublishWindow PublishAcks outstanding each;
//   * subscribers WITH ACKS (client library, auto-ack) and WITHOUT (raw frames, no credit,
//     raw_subscriber.h), spread over the channels;
//   * conversation clients sending requests to the built-in echo responder, reopening their
//     conversation every kRequestsPerConversation requests;
//   * workers registered on task queue "soak" answering server pushes, and requesters whose
//     requests on "worker.soak" the server dispatches to them as pushes;
//   * churn slots that connect, work briefly and leave, over and over: through the client
//     library with a graceful Close, as a raw subscriber ending with a TCP reset or a bare
//     FIN, or aborting the handshake halfway with a reset.
// Publishes, requests and pushes are paced at fixed total rates (SoakTrafficSpec); an
// operation due while every connection of its kind is at its outstanding limit is skipped
// and counted, so the offered load stays bounded when the server falls behind.
//
//   absl::StatusOr<std::unique_ptr<SoakTraffic>> traffic = SoakTraffic::Start(spec);
//   ... sample the server ...
//   SoakCounts counts = (*traffic)->counts();
//   (*traffic)->Stop();
//
// Connections are spread over spec.io_threads client I/O threads ("shards"); everything of a
// shard runs on its one thread.
//
// Thread-safety: Start/Stop from one harness thread; counts() and errors() from any thread.
#ifndef LIMINAL_BENCH_SOAK_TRAFFIC_H_
#define LIMINAL_BENCH_SOAK_TRAFFIC_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace liminal::bench {

struct SoakTrafficSpec {
  std::string host;
  uint16_t port = 0;
  size_t connections = 1000;
  std::vector<std::string> channels;  // configured on the server; at least one
  double publishes_per_second = 200;  // totals, over all connections
  double requests_per_second = 200;
  double pushes_per_second = 100;
  absl::Duration churn_hold_min = absl::Milliseconds(200);
  absl::Duration churn_hold_max = absl::Seconds(2);
  int io_threads = 2;
  absl::Duration request_timeout = absl::Seconds(10);
  // Testing the soak itself: raw churn rounds leave their connection open (held until
  // Stop), so the server's fds and RSS grow as they would with a leak per churned
  // connection. The soak must then fail.
  bool plant_leak = false;
};

// How the connections are split over the roles; the total is the spec's `connections`.
struct SoakRoles {
  size_t workers = 0;
  size_t publishers = 0;
  size_t acks_subscribers = 0;
  size_t noacks_subscribers = 0;
  size_t echo_clients = 0;
  size_t push_requesters = 0;
  size_t churn_slots = 0;
};

// 2 % workers, 5 % publishers, 30 % subscribers with ACKS, 15 % without, 15 % echo
// conversations, 8 % push requesters, the rest (25 %) churn; at least one of each.
// INVALID_ARGUMENT below kMinSoakConnections.
inline constexpr size_t kMinSoakConnections = 10;
absl::StatusOr<SoakRoles> SplitConnections(size_t connections);

enum class SoakOp {
  kPublish,             // acknowledged publishes
  kDeliveryAcks,        // deliveries to subscribers with ACKS
  kDeliveryNoAcks,      // ... and without
  kEchoRequest,         // echo replies received
  kConversationReopen,  // echo conversations closed and reopened
  kPushRequest,         // replies from a worker received by a requester
  kPushHandled,         // pushes answered by the workers
  kChurnGraceful,       // churn rounds ended by Close / FIN
  kChurnReset,          // ... by a TCP reset
  kChurnAbortedHandshake,
  kChurnLeaked,  // raw churn connections left open (SoakTrafficSpec::plant_leak)
  kSkipped,      // paced operations skipped: every connection of the kind was busy
  kError,
};
inline constexpr size_t kSoakOpCount = static_cast<size_t>(SoakOp::kError) + 1;
// "publish", "delivery_acks", ...
const char* SoakOpName(SoakOp op);

using SoakCounts = std::array<uint64_t, kSoakOpCount>;

// Counters shared by the shards, and the first errors with their text.
class SoakTally {
 public:
  void Add(SoakOp op, uint64_t n = 1) {
    counts_[static_cast<size_t>(op)].fetch_add(n, std::memory_order_relaxed);
  }
  void Error(const absl::Status& error);
  SoakCounts counts() const;
  std::vector<std::string> first_errors() const;

  static constexpr size_t kKeptErrors = 10;

 private:
  std::array<std::atomic<uint64_t>, kSoakOpCount> counts_{};
  mutable absl::Mutex mu_;
  std::vector<std::string> first_errors_ ABSL_GUARDED_BY(mu_);
};

class SoakTraffic {
 public:
  // Opens the population (every connection established, subscribed or registered) and
  // starts the traffic. Fails when any of it cannot be set up.
  static absl::StatusOr<std::unique_ptr<SoakTraffic>> Start(const SoakTrafficSpec& spec);

  SoakTraffic(const SoakTraffic&) = delete;
  SoakTraffic& operator=(const SoakTraffic&) = delete;
  ~SoakTraffic();

  const SoakRoles& roles() const { return roles_; }
  SoakCounts counts() const { return tally_.counts(); }
  std::vector<std::string> first_errors() const { return tally_.first_errors(); }

  // Stops the pacing and churn, closes every connection and joins the I/O threads.
  // Idempotent.
  void Stop();

  class Shard;

 private:
  SoakTraffic() = default;

  SoakRoles roles_;
  SoakTally tally_;
  std::vector<std::unique_ptr<Shard>> shards_;
  bool stopped_ = false;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_SOAK_TRAFFIC_H_
