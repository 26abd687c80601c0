// Process and machine metrics from /proc: a server's resident memory (VmRSS in
// /proc/<pid>/status), CPU time (utime + stime in /proc/<pid>/stat) and open descriptors
// (the entries of /proc/<pid>/fd), and a description of the machine for the report.
//
//   absl::StatusOr<int64_t> rss = ReadRssBytes(server.pid());
//   absl::StatusOr<absl::Duration> cpu0 = ReadCpuTime(server.pid());
//   ... idle for 10 s ...
//   double percent = 100 * (*cpu1 - *cpu0) / wall;       // of one core
//   absl::StatusOr<int64_t> fds = ReadOpenFdCount(server.pid());
//   MachineInfo m = ReadMachineInfo();                     // cores, CPU model, kernel, load
//
// Thread-safety: free functions; safe from any thread.
#ifndef LIMINAL_BENCH_PROC_METRICS_H_
#define LIMINAL_BENCH_PROC_METRICS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace liminal::bench {

absl::StatusOr<int64_t> ReadRssBytes(pid_t pid);

// User + system CPU time the process has used so far (clock-tick resolution, usually 10 ms).
absl::StatusOr<absl::Duration> ReadCpuTime(pid_t pid);

// How many file descriptors the process has open (sockets, files, epoll, eventfds, ...).
absl::StatusOr<int64_t> ReadOpenFdCount(pid_t pid);

struct MachineInfo {
  int online_cpus = 0;
  std::string cpu_model;
  std::string kernel;
  std::string load_average;  // the first three fields of /proc/loadavg
};

MachineInfo ReadMachineInfo();

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_PROC_METRICS_H_
