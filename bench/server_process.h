// ServerProcess: one running server under benchmark (liminald, nats-server or redis-server),
// as returned by the launchers in liminald_server.h, nats_server.h and redis_server.h. It
// owns the child process and the temporary directory holding its config, knows where the
// server listens, and stops it.
//
//   absl::StatusOr<std::unique_ptr<ServerProcess>> server = StartNatsServer(options);
//   Connect(server->host(), server->port());
//   ReadRssBytes(server->pid());                      // proc_metrics.h
//   absl::Status stopped = (*server)->Stop();          // SIGTERM; SIGKILL after 10 s
//
// FindBinary locates a server binary: an explicit path, else $PATH, else a few fixed
// directories (Debian installs nats-server in /usr/sbin, which is not on every $PATH).
//
// Thread-safety: not thread-safe; owned by the benchmark runner.
#ifndef LIMINAL_BENCH_SERVER_PROCESS_H_
#define LIMINAL_BENCH_SERVER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/subprocess.h"
#include "bench/temp_dir.h"

namespace liminal::bench {

class ServerProcess {
 public:
  ServerProcess(std::unique_ptr<Subprocess> process, std::optional<TempDir> dir, std::string host,
                uint16_t port)
      : dir_(std::move(dir)), process_(std::move(process)), host_(std::move(host)), port_(port) {}
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() { (void)Stop(); }

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  bool running() const { return process_->running(); }
  // The server's temporary directory (config, data); empty when it has none.
  std::string dir() const { return dir_.has_value() ? dir_->path() : std::string(); }

  // SIGTERM, then SIGKILL after `timeout`. Idempotent.
  absl::Status Stop(absl::Duration timeout = absl::Seconds(10)) { return process_->Stop(timeout); }

  // The server's most recent output, for error messages.
  std::string OutputTail(size_t max_lines = 20) const { return process_->OutputTail(max_lines); }

  // The output lines that contained one of the launcher's counted needles (for liminald, its
  // error and critical log lines).
  CountedLines counted_lines() const { return process_->counted_lines(); }

 private:
  std::optional<TempDir> dir_;  // declared first: removed after the process has stopped
  std::unique_ptr<Subprocess> process_;
  std::string host_;
  uint16_t port_;
};

// `explicit_path` when given (it must be executable), else the first executable `name` on
// $PATH or in /usr/local/sbin, /usr/local/bin, /usr/sbin, /usr/bin, /sbin, /bin. NOT_FOUND
// otherwise.
absl::StatusOr<std::string> FindBinary(const std::string& name,
                                       const std::optional<std::string>& explicit_path);

// Runs `binary args...` to completion (bounded by `timeout`) and returns its first output
// line, e.g. the version banner. Empty on any failure.
std::string FirstOutputLine(const std::string& binary, const std::vector<std::string>& args,
                            absl::Duration timeout = absl::Seconds(5));

}  // namespace liminal::bench

#endif  // LIMINAL_BENCH_SERVER_PROCESS_H_
