// The workloads of a run and their per-mode parameters (smoke / short / full), filtered by
// --workload. Names: pubsub-16, pubsub-256, pubsub-256-tls, pubsub-4096 (group "pubsub"),
// fanout, reqrep, connections, push, channels-8, latency-load, durable-256, durable-4096,
// durable-ack (group "durable").
//
//   absl::StatusOr<std::vector<std::unique_ptr<Workload>>> workloads = MakeWorkloads(options);
//
// Thread-safety: pure functions.
#ifndef LIMINAL_BENCH_WORKLOAD_CATALOG_H_
#define LIMINAL_BENCH_WORKLOAD_CATALOG_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/options.h"
#include "bench/workload.h"

namespace liminal::bench {

// INVALID_ARGUMENT for a --workload name that matches nothing.
absl::StatusOr<std::vector<std::unique_ptr<Workload>>> MakeWorkloads(const BenchOptions& options);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_WORKLOAD_CATALOG_H_
