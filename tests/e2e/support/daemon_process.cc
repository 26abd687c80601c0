#include "tests/e2e/support/daemon_process.h"

#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace liminal::e2e {

std::filesystem::path LiminaldPath() {
  return std::filesystem::path(LIMINAL_BINARY_DIR) / "daemon" / "liminald";
}

absl::StatusOr<std::unique_ptr<DaemonProcess>> DaemonProcess::Launch(DaemonProcessOptions options) {
  absl::StatusOr<TempDir> dir = TempDir::Create("liminald-e2e");
  if (!dir.ok()) return dir.status();
  absl::StatusOr<std::filesystem::path> config =
      dir->WriteFile("liminald.toml", options.config_toml);
  if (!config.ok()) return config.status();
  for (const auto& [relative, content] : options.files) {
    if (absl::StatusOr<std::filesystem::path> written = dir->WriteFile(relative, content);
        !written.ok()) {
      return written.status();
    }
  }
  for (const std::string& relative : options.dirs) {
    if (absl::StatusOr<std::filesystem::path> made = dir->MakeDir(relative); !made.ok()) {
      return made.status();
    }
  }
  SubprocessOptions spawn{.binary = options.binary, .env = options.env, .working_dir = dir->path()};
  if (options.pass_config) spawn.args = {"--config", config->string()};
  if (options.ephemeral_ports) spawn.args.push_back("--ephemeral-ports");
  spawn.args.insert(spawn.args.end(), options.args.begin(), options.args.end());
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Spawn(spawn);
  if (!process.ok()) return process.status();
  return std::unique_ptr<DaemonProcess>(new DaemonProcess(*std::move(dir), *std::move(process)));
}

absl::StatusOr<std::unique_ptr<DaemonProcess>> DaemonProcess::Start(DaemonProcessOptions options) {
  const std::chrono::milliseconds timeout = options.startup_timeout;
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = Launch(std::move(options));
  if (!daemon.ok()) return daemon.status();
  if (absl::StatusOr<std::string> line = (*daemon)->WaitUntilListening(timeout); !line.ok()) {
    return line.status();
  }
  return daemon;
}

absl::StatusOr<DaemonProcess::Result> DaemonProcess::Run(DaemonProcessOptions options,
                                                         std::chrono::milliseconds timeout) {
  absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = Launch(std::move(options));
  if (!daemon.ok()) return daemon.status();
  absl::StatusOr<int> code = (*daemon)->WaitForExit(timeout);
  if (!code.ok()) return code.status();
  return Result{*code, (*daemon)->stdout_text(), (*daemon)->stderr_text()};
}

absl::StatusOr<std::string> DaemonProcess::WaitUntilListening(std::chrono::milliseconds timeout) {
  absl::StatusOr<std::string> line = process_->WaitForStdoutLine(R"("event":"listening")", timeout);
  if (!line.ok()) return line.status();
  const nlohmann::json event = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object() || !event.contains("listen") || !event["listen"].is_string() ||
      !event.contains("health") || !event["health"].is_string()) {
    return absl::DataLossError(absl::StrCat("malformed listening line: ", *line));
  }
  absl::StatusOr<config::HostPort> listen =
      config::ParseHostPort(event["listen"].get<std::string>());
  absl::StatusOr<config::HostPort> health =
      config::ParseHostPort(event["health"].get<std::string>());
  if (!listen.ok()) return listen.status();
  if (!health.ok()) return health.status();
  listen_ = *std::move(listen);
  health_ = *std::move(health);
  return line;
}

absl::StatusOr<int> DaemonProcess::Stop(std::chrono::milliseconds timeout) {
  if (absl::Status sent = Signal(SIGTERM); !sent.ok()) return sent;
  return WaitForExit(timeout);
}

}  // namespace liminal::e2e
