#include "bench/liminald_server.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bench/temp_dir.h"
#include "io/tls/throwaway_pki.h"

namespace liminal::bench {
namespace {

absl::StatusOr<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text) {
  const size_t colon = text.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(text.substr(colon + 1), &port) || port == 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("not HOST:PORT: '", text, "'"));
  }
  return std::make_pair(text.substr(0, colon), static_cast<uint16_t>(port));
}

}  // namespace

std::string LiminaldBenchConfig(const LiminaldLaunchOptions& options) {
  // The ports are placeholders: --ephemeral-ports binds both listeners to port 0. A relative
  // persistence_path is resolved against the config file's directory.
  return absl::StrCat(
      "# Written by liminal-bench.\n"
      "listen_address = \"127.0.0.1:7400\"\n"
      "health_listen_address = \"127.0.0.1:7401\"\n"
      "log_format = \"json\"\n"
      "log_level = \"",
      options.log_level,
      "\"\n"
      "drain_timeout_ms = 1000\n",
      options.durable ? absl::StrCat("persistence_path = \"", kLiminaldDataDir, "\"\n") : "",
      "\n"
      "[limits]\n"
      "max_connections = ",
      options.max_connections,
      "\n"
      "max_subscription_inbox_depth = ",
      options.max_subscription_inbox_depth,
      "\n"
      "\n"
      "[[channels]]\n"
      "name = \"bench\"\n",
      options.durable ? "durable = true\nfsync = \"always\"\n" : "",
      absl::StrJoin(options.extra_channels, "",
                    [](std::string* out, const std::string& name) {
                      absl::StrAppend(out, "\n[[channels]]\nname = \"", name, "\"\n");
                    }),
      options.tls ? "\n[tls]\ncert_file = \"server.pem\"\nkey_file = \"server.key\"\n" : "");
}

absl::StatusOr<std::unique_ptr<ServerProcess>> StartLiminald(const LiminaldLaunchOptions& options) {
  absl::StatusOr<TempDir> dir = TempDir::Create("liminal-bench-liminald-");
  if (!dir.ok()) return dir.status();
  if (absl::Status s = dir->WriteFile("liminald.toml", LiminaldBenchConfig(options)); !s.ok()) {
    return s;
  }
  if (options.durable) {
    if (absl::Status s = dir->MakeDirectory(kLiminaldDataDir); !s.ok()) return s;
  }
  if (options.tls) {
    absl::StatusOr<io::ThrowawayPkiFiles> pki = io::WriteThrowawayPki(dir->path());
    if (!pki.ok()) return pki.status();
  }
  absl::StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Spawn(
      {.binary = options.binary,
       .args = {"--config", absl::StrCat(dir->path(), "/liminald.toml"), "--ephemeral-ports"},
       .working_dir = dir->path(),
       .counted_needles = {R"("level":"error")", R"("level":"critical")"}});
  if (!process.ok()) return process.status();
  absl::StatusOr<std::string> line =
      (*process)->WaitForLine(R"("event":"listening")", options.startup_timeout);
  if (!line.ok()) {
    return absl::UnavailableError(absl::StrCat("liminald did not start: ", line.status().message(),
                                               "\n", (*process)->OutputTail()));
  }
  nlohmann::json announced = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (!announced.is_object() || !announced.contains("listen") || !announced["listen"].is_string()) {
    return absl::InternalError(absl::StrCat("liminald: unexpected listening line: ", *line));
  }
  absl::StatusOr<std::pair<std::string, uint16_t>> listen =
      ParseHostPort(announced["listen"].get<std::string>());
  if (!listen.ok()) return listen.status();
  return std::make_unique<ServerProcess>(*std::move(process), *std::move(dir), listen->first,
                                         listen->second);
}

std::string DefaultLiminaldPath() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "liminald";
  return (self.parent_path().parent_path() / "daemon" / "liminald").string();
}

}  // namespace liminal::bench
