// Raising the open-file limit for the many-connections workload: the harness holds one
// socket per idle connection, and the servers it starts inherit the limit.
//
//   int64_t limit = RaiseFileLimit(10'000 + 1'000);   // the soft limit now in force
//   if (limit < wanted) { /* run fewer connections and say so */ }
//
// Thread-safety: changes process-wide state; call from main before starting threads.
#ifndef LIMINAL_BENCH_FD_LIMIT_H_
#define LIMINAL_BENCH_FD_LIMIT_H_

#include <cstdint>

namespace liminal::bench {

// Raises RLIMIT_NOFILE's soft limit to `wanted`: within the hard limit always, beyond it
// when the process may raise the hard limit (root). Never lowers it. Returns the soft limit
// in force afterwards.
int64_t RaiseFileLimit(int64_t wanted);

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_FD_LIMIT_H_
