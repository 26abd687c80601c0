// liminald entry point: command line, configuration, logging, then the Daemon (daemon.h).
//
//   liminald --config FILE [--check] [--ephemeral-ports] [--port-file FILE]
//            [--listen HOST:PORT] [--health-listen HOST:PORT]
//            [--log-format text|json] [--log-level LEVEL]
//
// Exit codes are listed in exit_code.h.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/config/env_overrides.h"
#include "core/config/server_config.h"
#include "daemon/config_loader.h"
#include "daemon/daemon.h"
#include "daemon/exit_code.h"
#include "daemon/logging.h"
#include "daemon/protocol_server.h"

// jemalloc's start-up options (liminald links jemalloc; see daemon/CMakeLists.txt). Slabs of
// 32 pages for the 1-14 KiB size classes: at jemalloc's default a 4 KiB message payload
// shares its slab with at most three others (a 4096-byte class slab holds one), so every
// slab empties as soon as its few messages are delivered, goes back to the page cache, is
// purged, and the next payload faults fresh pages in. Profiled on 4 KiB pub/sub: 71k page
// faults per second (0.4 per message, a quarter of the server's CPU); with 32-page slabs
// 900 per second, 5.8 -> 4.7 us of server CPU per message, and less resident memory
// (146 -> 80 MiB), because purging still works. An operator can still choose otherwise with
// the MALLOC_CONF environment variable, which jemalloc reads after this.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "slab_sizes:1025-14336:32";
}

namespace liminal::daemon {
namespace {

struct CommandLine {
  std::string config_path;
  bool check = false;
  bool ephemeral_ports = false;
  std::optional<std::string> port_file;
  FlagOverrides overrides;
};

// Adds an option whose value is kept only when the flag is given.
CLI::Option* AddOptional(CLI::App& app, const std::string& name, std::optional<std::string>& out,
                         const std::string& description) {
  return app.add_option_function<std::string>(
      name, [&out](const std::string& value) { out = value; }, description);
}

// The format and level to log with before the config file has been read: the flags when they
// are valid (the loader reports them otherwise), else text/info.
void ConfigureStartupLogging(const FlagOverrides& flags) {
  config::LogFormat format = config::LogFormat::kText;
  config::LogLevel level = config::LogLevel::kInfo;
  if (flags.log_format.has_value()) {
    format = config::ParseLogFormat(*flags.log_format).value_or(format);
  }
  if (flags.log_level.has_value()) level = config::ParseLogLevel(*flags.log_level).value_or(level);
  ConfigureLogging(format, level);
}

int Run(const CommandLine& command_line) {
  ConfigureStartupLogging(command_line.overrides);
  const config::EnvironmentMap env = ReadLiminalEnvironment();
  absl::StatusOr<config::ServerConfig> cfg =
      LoadConfig(command_line.config_path, env, command_line.overrides);

  if (cfg.ok()) {
    if (absl::Status services = ProtocolServer::ValidateConfig(*cfg); !services.ok()) {
      cfg = absl::InvalidArgumentError(services.message());
    }
  }
  if (command_line.check) {
    if (!cfg.ok()) {
      std::fprintf(stderr, "liminald: %s\n", std::string(cfg.status().message()).c_str());
      return kInvalidConfig;
    }
    std::printf("liminald: configuration OK: %s (listen %s, health %s, %zu channel(s))\n",
                command_line.config_path.c_str(), cfg->listen_address.ToString().c_str(),
                cfg->health_listen_address.ToString().c_str(), cfg->channels.size());
    return kOk;
  }
  if (!cfg.ok()) {
    spdlog::error("{}", std::string(cfg.status().message()));
    return kInvalidConfig;
  }

  ConfigureLogging(cfg->log_format, cfg->log_level);
  for (const std::string& variable : config::UnknownEnvOverrides(env)) {
    spdlog::warn("ignoring unknown environment variable {} (not a liminald override)", variable);
  }
  if (command_line.ephemeral_ports) {
    cfg->listen_address.port = 0;
    cfg->health_listen_address.port = 0;
  }

  Daemon daemon(DaemonOptions{.config = *std::move(cfg), .port_file = command_line.port_file});
  if (absl::Status started = daemon.Start(); !started.ok()) {
    spdlog::error("cannot start: {}", std::string(started.message()));
    return kStartupFailed;
  }
  return daemon.RunUntilSignalled();
}

}  // namespace
}  // namespace liminal::daemon

int main(int argc, char** argv) {
  using liminal::daemon::CommandLine;
  // Writes to a closed stdout or socket must fail with EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  // Abseil's lock-order graph costs a hash lookup per Mutex acquisition (several per
  // message). The debug test suites keep it on and catch inversions there.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  CommandLine command_line;
  CLI::App app{"liminald: the liminal messaging-bus server", "liminald"};
  app.set_version_flag("--version", LIMINAL_VERSION);
  app.add_option("-c,--config", command_line.config_path, "TOML configuration file")->required();
  app.add_flag("--check", command_line.check,
               "Validate the configuration (file, LIMINAL_* environment, flags) and exit: "
               "0 if valid, 1 if not");
  app.add_flag("--ephemeral-ports", command_line.ephemeral_ports,
               "Bind both listeners to ephemeral ports (tests, development); the bound "
               "addresses are printed on stdout as a JSON line");
  liminal::daemon::AddOptional(app, "--port-file", command_line.port_file,
                               "Also write the listening JSON line to this file");
  auto& overrides = command_line.overrides;
  liminal::daemon::AddOptional(app, "--listen", overrides.listen,
                               "Protocol listen address HOST:PORT (overrides config and env)");
  liminal::daemon::AddOptional(
      app, "--health-listen", overrides.health_listen,
      "Health/metrics listen address HOST:PORT (overrides config and env)");
  liminal::daemon::AddOptional(app, "--log-format", overrides.log_format,
                               "text or json (overrides config and env)");
  liminal::daemon::AddOptional(app, "--log-level", overrides.log_level,
                               "trace, debug, info, warn, error, critical or off "
                               "(overrides config and env)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints help, version or the error
    return code == 0 ? liminal::daemon::kOk : liminal::daemon::kUsage;
  }
  return liminal::daemon::Run(command_line);
}
