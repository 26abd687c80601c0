// The soak run (`liminal-bench --soak MINUTES`): starts liminald, holds a population of
// connections with mixed traffic and churn on it (soak_traffic.h) for MINUTES, samples the
// server's RSS, open fds and CPU every --soak-sample-seconds, prints a line every ~30 s and a
// summary at the end, and decides whether RSS or fds keep growing after the warm-up
// (growth_detector.h).
//
//   int exit_code = RunSoak(options);   // options.soak is set
//
// Exit status: 0 clean; 1 when anything failed — setup, an operation (publish, request,
// push, subscription, unexpected close), liminald logging an error, or liminald dying;
// 3 when no error occurred but RSS or fds kept growing. The samples and the summary are
// written as JSON to --json-out.
//
// Thread-safety: call from main, once.
#ifndef LIMINAL_BENCH_SOAK_H_
#define LIMINAL_BENCH_SOAK_H_

#include "bench/options.h"

namespace liminal::bench {

inline constexpr int kSoakExitOk = 0;
inline constexpr int kSoakExitFailed = 1;
inline constexpr int kSoakExitGrowing = 3;

// Precondition: options.soak has a value.
int RunSoak(const BenchOptions& options);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_SOAK_H_
