#include "daemon/daemon.h"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/server/services/pubsub/channel_registry.h"
#include "daemon/exit_code.h"
#include "io/health/bind_acceptor.h"
#include "io/tls/server_tls_context.h"

namespace liminal::daemon {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string Describe(const config::ChannelConfig& channel) {
  std::string text =
      absl::StrCat("channel '", channel.name, "': ", channel.durable ? "durable" : "in-memory");
  if (channel.schema_ref.has_value()) absl::StrAppend(&text, ", schema ", *channel.schema_ref);
  if (channel.durable) {
    const config::RetentionConfig& r = channel.retention;
    auto limit = [](int64_t value) {
      return value == 0 ? std::string("unlimited") : absl::StrCat(value);
    };
    absl::StrAppend(&text, ", fsync ", config::FsyncPolicyName(channel.fsync),
                    ", retention max_messages=", limit(r.max_messages),
                    " max_bytes=", limit(r.max_bytes), " max_age_ms=", limit(r.max_age_ms));
  }
  return text;
}

// What opening each durable log found: a torn tail is routine after a crash, corruption is not.
void LogRecoveries(const server::services::ChannelRegistry& channels) {
  for (size_t i = 0; i < channels.size(); ++i) {
    const server::services::Channel& channel = channels.at(i);
    const storage::RecoveryReport* report = channel.recovery();
    if (report == nullptr) continue;
    spdlog::info("channel '{}': durable log recovered: {} message(s) in {} segment(s)",
                 channel.name(), report->records, report->segments);
    if (report->truncated_bytes > 0) {
      spdlog::warn("channel '{}': cut {} byte(s) of unfinished writes from the log's tail",
                   channel.name(), report->truncated_bytes);
    }
    if (report->corruption.has_value()) {
      spdlog::error(
          "channel '{}': the log is corrupt and was cut there ({} later segment(s) "
          "removed): {}",
          channel.name(), report->removed_segments, *report->corruption);
    }
  }
}

std::string SignalName(int signal_number) {
  const char* abbreviation = sigabbrev_np(signal_number);
  return abbreviation != nullptr ? absl::StrCat("SIG", abbreviation)
                                 : absl::StrCat("signal ", signal_number);
}

bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

// What the server will serve, for the operator: one line per concern.
void LogServingPlan(const config::ServerConfig& cfg, const config::HostPort& listen,
                    const config::HostPort& health) {
  spdlog::info("liminald {} listening on {} (health, readiness and metrics on {}://{})",
               LIMINAL_VERSION, listen.ToString(),
               cfg.tls.has_value() && cfg.tls->health ? "https" : "http", health.ToString());
  spdlog::info(
      "runtime: scheduler_threads={} drain_timeout_ms={} persistence_path={}",
      cfg.scheduler_threads == 0 ? std::string("auto") : absl::StrCat(cfg.scheduler_threads),
      cfg.drain_timeout_ms, cfg.persistence_path.value_or("(none)"));
  const config::LimitsConfig& l = cfg.limits;
  spdlog::info(
      "limits: max_connections={} max_subscriptions_per_connection={} "
      "max_conversations_per_connection={} max_pending_pushes_per_connection={} "
      "max_pending_conversation_replies_per_connection={} "
      "max_pending_replies_per_conversation={} max_connection_inbox_bytes={} "
      "max_subscription_inbox_depth={} max_frame_bytes={} max_outbound_bytes={} "
      "handshake_timeout_ms={} idle_timeout_ms={} conversation_reply_timeout_ms={} "
      "dedup_window_ms={}",
      l.max_connections, l.max_subscriptions_per_connection, l.max_conversations_per_connection,
      l.max_pending_pushes_per_connection, l.max_pending_conversation_replies_per_connection,
      l.max_pending_replies_per_conversation, l.max_connection_inbox_bytes,
      l.max_subscription_inbox_depth, l.max_frame_bytes, l.max_outbound_bytes,
      l.handshake_timeout_ms,
      l.idle_timeout_ms == 0 ? std::string("off") : absl::StrCat(l.idle_timeout_ms),
      l.conversation_reply_timeout_ms, l.dedup_window_ms);
  if (cfg.services.profile != config::ServicesProfile::kFull) {
    spdlog::info(
        "services: profile \"{}\": worker registration, pushes and worker.<queue> "
        "requests only; channels and other conversations are refused",
        std::string(config::ServicesProfileName(cfg.services.profile)));
  }
  if (cfg.channels.empty()) spdlog::warn("no channels configured: every publish will fail");
  for (const config::ChannelConfig& channel : cfg.channels) spdlog::info("{}", Describe(channel));
  for (const config::RoutingRuleConfig& rule : cfg.routing_rules) {
    spdlog::info("routing rule: {} -> {}{}", rule.source_channel, rule.target_channel,
                 rule.predicate.has_value() ? absl::StrCat(" when ", *rule.predicate) : "");
  }
  const size_t tokens = cfg.auth.AcceptedTokens().size();
  if (tokens == 0 && cfg.auth.users.empty()) {
    spdlog::info("auth: disabled (no tokens configured; every Connect is accepted)");
    if (!IsLoopback(cfg.listen_address.host)) {
      spdlog::warn(
          "listen address {} is not loopback and auth is disabled: anyone who can reach it "
          "can connect; configure [auth] token, tokens, token_file or [[auth.users]]",
          listen.ToString());
    }
  } else {
    spdlog::info("auth: {} shared token(s) accepted (every permission), {} user(s)", tokens,
                 cfg.auth.users.size());
    for (const config::AuthUserConfig& user : cfg.auth.users) {
      spdlog::info("auth: user '{}' may publish [{}], subscribe [{}], request [{}], respond [{}]",
                   user.name, absl::StrJoin(user.publish, ", "),
                   absl::StrJoin(user.subscribe, ", "), absl::StrJoin(user.request, ", "),
                   absl::StrJoin(user.respond, ", "));
    }
  }
}

// TLS on each listener, and a warning for each non-loopback listener that has neither TLS nor
// authentication (the health listener never authenticates).
void LogTransportSecurity(const config::ServerConfig& cfg, const config::HostPort& listen,
                          const config::HostPort& health) {
  const bool tls = cfg.tls.has_value();
  const bool health_tls = tls && cfg.tls->health;
  if (tls) {
    spdlog::info("tls: protocol listener on {} ({}); health listener {}", listen.ToString(),
                 cfg.tls->require_client_cert   ? "client certificates required"
                 : cfg.tls->ca_file.has_value() ? "client certificates verified when presented"
                                                : "no client certificates",
                 health_tls ? "on" : "plaintext");
  } else {
    spdlog::info("tls: off (plaintext listeners)");
  }
  const bool auth = !cfg.auth.AcceptedTokens().empty() || !cfg.auth.users.empty();
  if (!tls && !auth && !IsLoopback(cfg.listen_address.host)) {
    spdlog::warn(
        "listen address {} is not loopback and has neither TLS nor auth: anyone who can reach "
        "it can connect and read the traffic; configure [tls] and [auth]",
        listen.ToString());
  }
  if (!health_tls && !IsLoopback(cfg.health_listen_address.host)) {
    spdlog::warn(
        "health listener {} is not loopback and has neither TLS nor auth: anyone who can reach "
        "it can read /health, /ready and /metrics in plaintext; set [tls] health = true, or "
        "bind health_listen_address to loopback",
        health.ToString());
  }
}

// Writes `content` to `path` through a temporary file and a rename, so readers never see a
// partial file.
absl::Status WriteFileAtomically(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      return absl::UnavailableError(absl::StrCat("cannot write port file '", temporary.string(),
                                                 "': ", std::strerror(errno)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot write port file '", path.string(), "': ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ListeningLine(const config::HostPort& listen, const config::HostPort& health) {
  // Addresses are IP literals and ports digits: nothing needs JSON escaping.
  return absl::StrCat(R"({"event":"listening","listen":")", listen.ToString(), R"(","health":")",
                      health.ToString(), R"("})");
}

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)),
      strand_(asio::make_strand(io_)),
      signals_(strand_, SIGINT, SIGTERM),
      readiness_({io::kConfigLoaded, io::kListenerBound}),
      health_(io_, readiness_, [this] { return metrics_.RenderPrometheusText(); }) {
  // The Daemon is only ever built from a loaded, validated configuration.
  readiness_.Set(io::kConfigLoaded, true);
}

Daemon::~Daemon() {
  JoinWaiters();
  if (server_ != nullptr) server_->Stop();
}

void Daemon::JoinWaiters() {
  if (drain_waiter_.joinable()) drain_waiter_.join();
}

absl::Status Daemon::Start() {
  if (phase_ != Phase::kCreated) return absl::FailedPreconditionError("daemon already started");
  std::shared_ptr<asio::ssl::context> health_tls;
  if (options_.config.tls.has_value() && options_.config.tls->health) {
    absl::StatusOr<std::shared_ptr<asio::ssl::context>> context =
        io::MakeServerTlsContext(*options_.config.tls, io::TlsListenerRole::kHealth);
    if (!context.ok()) return context.status();
    health_tls = *std::move(context);
  }
  if (absl::Status status =
          health_.Start(options_.config.health_listen_address, std::move(health_tls));
      !status.ok()) {
    return status;
  }
  health_address_ = io::ToHostPort(health_.local_endpoint());
  if (absl::Status status = StartProtocolServer(); !status.ok()) return status;
  readiness_.Set(io::kListenerBound, true);
  phase_ = Phase::kServing;
  metrics_.SetDrainState(metrics::DrainState::kServing);
  LogServingPlan(options_.config, listen_address_, health_address_);
  LogTransportSecurity(options_.config, listen_address_, health_address_);
  WaitForSignal();
  return Announce();
}

absl::Status Daemon::StartProtocolServer() {
  absl::StatusOr<std::unique_ptr<ProtocolServer>> server =
      ProtocolServer::Create(options_.config, metrics_);
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  LogRecoveries(server_->services().channels());
  if (absl::Status status = server_->Start(options_.config.listen_address); !status.ok())
    return status;
  listen_address_ = server_->listen_address();
  return absl::OkStatus();
}

absl::Status Daemon::Announce() const {
  const std::string line = ListeningLine(listen_address_, health_address_);
  // The port file first: whoever reads the stdout line may rely on the file being there.
  if (options_.port_file.has_value()) {
    if (absl::Status written = WriteFileAtomically(*options_.port_file, line + "\n");
        !written.ok()) {
      return written;
    }
  }
  if (options_.announce != nullptr) {
    std::fprintf(options_.announce, "%s\n", line.c_str());
    std::fflush(options_.announce);
  }
  return absl::OkStatus();
}

int Daemon::RunUntilSignalled() {
  // The protocol server runs on its own runtime threads; this thread serves the health
  // endpoint, the signals and the shutdown steps.
  io_.run();
  return exit_code_;
}

void Daemon::Shutdown() {
  asio::post(strand_, [this] { OnShutdownRequest("shutdown requested"); });
}

void Daemon::WaitForSignal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;  // cancelled by Finish()
    OnShutdownRequest(absl::StrCat("received ", SignalName(signal_number)));
    if (phase_ != Phase::kStopped) WaitForSignal();
  });
}

void Daemon::OnShutdownRequest(const std::string& cause) {
  switch (phase_) {
    case Phase::kCreated:
    case Phase::kServing:
      spdlog::info("{}: shutting down gracefully (drain_timeout_ms={}; signal again to force)",
                   cause, options_.config.drain_timeout_ms);
      BeginDrain();
      break;
    case Phase::kDraining:
      spdlog::warn("{} during the drain: force-closing the remaining connections", cause);
      ForceClose();
      break;
    case Phase::kForceClosing:
    case Phase::kStopped:
      break;
  }
}

namespace {

// Logs the shared shutdown sequence's steps for the operator and moves the daemon's phase
// along (on its strand).
class DaemonShutdownObserver final : public server::ShutdownObserver {
 public:
  DaemonShutdownObserver(int64_t drain_timeout_ms, std::function<void()> on_force_close)
      : drain_timeout_ms_(drain_timeout_ms), on_force_close_(std::move(on_force_close)) {}

  void OnDrainEnded(bool drained, bool forced_early, size_t remaining) override {
    if (drained) {
      spdlog::info("all connections closed");
      return;
    }
    if (!forced_early) {
      spdlog::warn("drain timeout ({} ms) reached: force-closing {} remaining connection(s)",
                   drain_timeout_ms_, remaining);
    }
    on_force_close_();
  }
  void OnForceCloseEnded(bool idle, size_t remaining) override {
    if (!idle) spdlog::warn("{} connection(s) still closing after the force close", remaining);
  }

 private:
  const int64_t drain_timeout_ms_;
  const std::function<void()> on_force_close_;
};

}  // namespace

// server-behaviour.md §6, through the sequence shared with the simulation
// (core/server/assembly/graceful_shutdown.h), on a helper thread; its outcome is posted back
// to the strand.
void Daemon::BeginDrain() {
  phase_ = Phase::kDraining;
  metrics_.SetDrainState(metrics::DrainState::kDraining);
  readiness_.Set(io::kListenerBound, false);
  drain_waiter_ = std::thread([this] {
    DaemonShutdownObserver observer(options_.config.drain_timeout_ms,
                                    [this] { asio::post(strand_, [this] { EnterForceClose(); }); });
    server::ShutdownReport report = server_->Shutdown(&observer);
    asio::post(strand_, [this, report = std::move(report)] { Finish(report); });
  });
}

void Daemon::EnterForceClose() {
  if (phase_ != Phase::kDraining) return;
  phase_ = Phase::kForceClosing;
  metrics_.SetDrainState(metrics::DrainState::kForceClosing);
}

// A second signal during the drain: server-behaviour.md §6 step 4 now.
void Daemon::ForceClose() {
  if (phase_ != Phase::kDraining) return;
  EnterForceClose();
  server_->ForceClose();  // one Disconnect each if not yet sent, then close
}

// server-behaviour.md §6 step 5 (the flush already ran in the sequence).
void Daemon::Finish(const server::ShutdownReport& report) {
  if (phase_ == Phase::kStopped) return;
  JoinWaiters();  // the sequence has returned
  if (!report.flushed.ok()) {
    spdlog::error("{}", std::string(report.flushed.message()));
    exit_code_ = kShutdownFailed;
  }
  server_->Stop();
  phase_ = Phase::kStopped;
  metrics_.SetDrainState(metrics::DrainState::kStopped);
  health_.Stop();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  spdlog::info("liminald stopped (exit code {})", exit_code_);
  io_.stop();
}

}  // namespace liminal::daemon
