// DaemonProcess: the real liminald binary, started for an end-to-end test from a config
// written into a fresh temporary directory, with its bound ports read from the "listening"
// line it prints on stdout. The protocol e2e suites use it as their server.
//
//   absl::StatusOr<std::unique_ptr<DaemonProcess>> d = DaemonProcess::Start();  // default config
//   ASSERT_TRUE(d.ok()) << d.status();         // carries liminald's stderr on failure
//   (*d)->listen();                            // {"127.0.0.1", 41234}: connect clients here
//   (*d)->health();                            // the HTTP health/metrics endpoint
//   EXPECT_THAT((*d)->Stop(), IsOkAndHolds(0));   // SIGTERM, then wait for the exit code
//
//   // A config of your own, with files next to it and extra flags or environment:
//   DaemonProcessOptions options;
//   options.config_toml = R"([[channels]]
//   name = "orders"
//   schema_ref = "orders.json")";
//   options.files["orders.json"] = R"({"type":"object"})";
//   options.env["LIMINAL_LOG_LEVEL"] = "debug";
//
//   // Runs that are expected to fail (or --check) just run to completion:
//   absl::StatusOr<DaemonProcess::Result> r = DaemonProcess::Run(options);
//   r->exit_code; r->stderr_text;
//
// Start() passes --ephemeral-ports (unless disabled), so the ports in the config do not
// matter and parallel tests never collide. Every step has a deadline; nothing sleeps. The
// destructor kills a liminald that is still running and deletes the temporary directory.
#ifndef LIMINAL_TESTS_E2E_SUPPORT_DAEMON_PROCESS_H_
#define LIMINAL_TESTS_E2E_SUPPORT_DAEMON_PROCESS_H_

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/config/host_port.h"
#include "tests/e2e/support/subprocess.h"
#include "tests/e2e/support/temp_dir.h"

namespace liminal::e2e {

// Loopback listeners and the channels orders, events and audit (no schemas). Tables such as
// "[limits]\nmax_frame_bytes = 1024\n" may be appended to it.
inline constexpr absl::string_view kDefaultDaemonConfig = R"(listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7401"

[[channels]]
name = "orders"

[[channels]]
name = "events"

[[channels]]
name = "audit"
)";

// The liminald built alongside the tests: LIMINAL_BINARY_DIR/daemon/liminald.
std::filesystem::path LiminaldPath();

struct DaemonProcessOptions {
  std::string config_toml = std::string(kDefaultDaemonConfig);  // written as liminald.toml
  std::map<std::string, std::string> files{};  // more files next to it (relative path -> content)
  std::vector<std::string> dirs{};             // directories to create next to it
  std::vector<std::string> args{};             // extra liminald arguments
  std::map<std::string, std::string> env{};    // extra environment (LIMINAL_* are not inherited)
  bool ephemeral_ports = true;                 // pass --ephemeral-ports
  bool pass_config = true;                     // pass --config <dir>/liminald.toml
  std::chrono::milliseconds startup_timeout{10000};
  std::filesystem::path binary = LiminaldPath();
};

class DaemonProcess {
 public:
  struct Result {
    int exit_code = 0;  // or -N if killed by signal N
    std::string stdout_text{};
    std::string stderr_text{};
  };

  // Starts liminald and waits for its listening line.
  static absl::StatusOr<std::unique_ptr<DaemonProcess>> Start(DaemonProcessOptions options = {});

  // Starts liminald without waiting for anything.
  static absl::StatusOr<std::unique_ptr<DaemonProcess>> Launch(DaemonProcessOptions options);

  // Launches liminald and waits for it to exit by itself (config errors, --check, ...).
  static absl::StatusOr<Result> Run(DaemonProcessOptions options,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The bound addresses announced on stdout (after Start(), or WaitUntilListening()).
  const config::HostPort& listen() const { return listen_; }
  const config::HostPort& health() const { return health_; }

  // Waits for the listening line and records the addresses; returns the line.
  absl::StatusOr<std::string> WaitUntilListening(std::chrono::milliseconds timeout);

  absl::Status Signal(int signal_number) { return process_->Signal(signal_number); }

  // SIGTERM, then the exit code (0 after a clean graceful shutdown).
  absl::StatusOr<int> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  absl::StatusOr<int> WaitForExit(std::chrono::milliseconds timeout) {
    return process_->WaitForExit(timeout);
  }

  std::string stdout_text() const { return process_->stdout_text(); }
  std::string stderr_text() const { return process_->stderr_text(); }

  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path config_path() const { return dir_.path() / "liminald.toml"; }
  Subprocess& process() { return *process_; }

 private:
  DaemonProcess(TempDir dir, std::unique_ptr<Subprocess> process)
      : dir_(std::move(dir)), process_(std::move(process)) {}

  TempDir dir_;  // outlives the process
  std::unique_ptr<Subprocess> process_;
  config::HostPort listen_;
  config::HostPort health_;
};

}  // namespace liminal::e2e

#endif  // LIMINAL_TESTS_E2E_SUPPORT_DAEMON_PROCESS_H_
