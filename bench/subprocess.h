// Subprocess: a server under benchmark, run as a child process whose stdout and stderr are
// captured line by line, so the harness can wait for a readiness line with a deadline (never
// by sleeping) and show the server's last output when something goes wrong.
//
//   absl::StatusOr<std::unique_ptr<Subprocess>> p =
//       Subprocess::Spawn({.binary = "/usr/sbin/nats-server", .args = {"-p", "-1"}});
//   if (!p.ok()) return p.status();
//   absl::StatusOr<std::string> line =
//       (*p)->WaitForLine("Server is ready", absl::Seconds(10));   // stdout or stderr
//   ...
//   absl::Status stopped = (*p)->Stop(absl::Seconds(5));            // SIGTERM, then SIGKILL
//
// The child gets /dev/null as stdin and is killed if the harness dies (PR_SET_PDEATHSIG). A
// background thread drains both pipes (so a chatty server never blocks on a full pipe) and
// keeps the most recent lines. The destructor kills a child that still runs and reaps it.
//
// Thread-safety: thread-safe.
#ifndef LIMINAL_BENCH_SUBPROCESS_H_
#define LIMINAL_BENCH_SUBPROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace liminal::bench {

struct SubprocessOptions {
  std::string binary;
  std::vector<std::string> args;  // argv[1...]
  std::optional<std::string> working_dir;
  // Output lines containing any of these are counted (CountedLines) and the first few kept,
  // however much output follows, e.g. a server's error-level log lines.
  std::vector<std::string> counted_needles = {};
};

struct CountedLines {
  uint64_t count = 0;
  std::vector<std::string> first;  // at most kKeptCountedLines
};

class Subprocess {
 public:
  static absl::StatusOr<std::unique_ptr<Subprocess>> Spawn(const SubprocessOptions& options);

  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  pid_t pid() const { return pid_; }

  // The first output line (stdout or stderr, in arrival order) containing `needle` that this
  // call has not yet looked at. DEADLINE_EXCEEDED after `timeout`; FAILED_PRECONDITION at
  // once if the child exits first. Either error carries the child's last output lines.
  absl::StatusOr<std::string> WaitForLine(std::string_view needle, absl::Duration timeout);

  // True while the child has not exited.
  bool running() const;

  // SIGTERM, wait up to `timeout`, then SIGKILL. OK when the child exited by itself (any
  // exit status); an error saying it had to be killed otherwise. Idempotent.
  absl::Status Stop(absl::Duration timeout);

  // The most recent output lines (at most `max_lines`), one per line.
  std::string OutputTail(size_t max_lines = 20) const;

  // The lines that contained one of SubprocessOptions::counted_needles so far.
  CountedLines counted_lines() const;

  static constexpr size_t kKeptCountedLines = 10;

 private:
  Subprocess(pid_t pid, int pidfd, int out_fd, int err_fd, int wake_fd,
             std::vector<std::string> counted_needles);
  void ReadLoop();
  void AppendOutput(std::string& partial, const char* data, size_t size)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool WaitForExit(absl::Duration timeout);

  const pid_t pid_;
  const int pidfd_;
  const int wake_fd_;  // eventfd that tells the reader thread to stop

  mutable absl::Mutex mu_;
  std::deque<std::string> lines_ ABSL_GUARDED_BY(mu_);
  uint64_t first_line_number_ ABSL_GUARDED_BY(mu_) = 0;  // number of lines_.front()
  uint64_t scanned_ ABSL_GUARDED_BY(mu_) = 0;            // lines WaitForLine has already looked at
  const std::vector<std::string> counted_needles_;
  CountedLines counted_ ABSL_GUARDED_BY(mu_);
  bool exited_ ABSL_GUARDED_BY(mu_) = false;
  bool reaped_ ABSL_GUARDED_BY(mu_) = false;
  int out_fd_ ABSL_GUARDED_BY(mu_);
  int err_fd_ ABSL_GUARDED_BY(mu_);
  std::thread reader_;
};

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_SUBPROCESS_H_
