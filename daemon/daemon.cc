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
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "daemon/exit_code.h"
#include "io/health/bind_acceptor.h"

namespace liminal::daemon {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string Describe(const config::ChannelConfig& channel) {
  std::string text =
      absl::StrCat("channel '", channel.name, "': ", channel.durable ? "durable" : "in-memory");
  if (!channel.schema_ref.empty()) {
    absl::StrAppend(&text, ", schema_ref '", channel.schema_ref, "'");
  }
  if (channel.schema.has_value()) absl::StrAppend(&text, ", schema ", *channel.schema);
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
  spdlog::info("liminald {} listening on {} (health, readiness and metrics on http://{})",
               LIMINAL_VERSION, listen.ToString(), health.ToString());
  spdlog::info(
      "runtime: scheduler_threads={} drain_timeout_ms={} persistence_path={}",
      cfg.scheduler_threads == 0 ? std::string("auto") : absl::StrCat(cfg.scheduler_threads),
      cfg.drain_timeout_ms, cfg.persistence_path.value_or("(none)"));
  spdlog::info(
      "limits: max_frame_bytes={} max_connections={} max_outbound_bytes={} "
      "handshake_timeout_ms={} idle_timeout_ms={} conversation_reply_timeout_ms={} "
      "dedup_window_ms={} max_subscriptions_per_connection={} subscription_pending_limit={}",
      cfg.max_frame_bytes, cfg.max_connections, cfg.max_outbound_bytes, cfg.handshake_timeout_ms,
      cfg.idle_timeout_ms == 0 ? std::string("off") : absl::StrCat(cfg.idle_timeout_ms),
      cfg.conversation_reply_timeout_ms, cfg.dedup_window_ms, cfg.max_subscriptions_per_connection,
      cfg.subscription_pending_limit);
  if (cfg.channels.empty()) spdlog::warn("no channels configured: every publish will fail");
  for (const config::ChannelConfig& channel : cfg.channels) spdlog::info("{}", Describe(channel));
  for (const config::RoutingRuleConfig& rule : cfg.routing_rules) {
    spdlog::info("routing rule: {} -> {}{}", rule.source, rule.target,
                 rule.predicate.has_value() ? absl::StrCat(" when ", *rule.predicate) : "");
  }
  if (cfg.auth.tokens.empty()) {
    spdlog::info("auth: disabled (no tokens configured; every Connect is accepted)");
    if (!IsLoopback(cfg.listen.host)) {
      spdlog::warn(
          "listen address {} is not loopback and auth is disabled: anyone who can reach it "
          "can connect; configure [auth] tokens or token_file",
          listen.ToString());
    }
  } else {
    spdlog::info("auth: {} token(s) accepted", cfg.auth.tokens.size());
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
      drain_timer_(strand_),
      readiness_({io::kConfigLoaded, io::kListenerBound}),
      health_(io_, readiness_, [this] { return metrics_.RenderPrometheusText(); }),
      protocol_listener_(strand_) {
  // The Daemon is only ever built from a loaded, validated configuration.
  readiness_.Set(io::kConfigLoaded, true);
}

Daemon::~Daemon() = default;

absl::Status Daemon::Start() {
  if (phase_ != Phase::kCreated) return absl::FailedPreconditionError("daemon already started");
  if (absl::Status status = health_.Start(options_.config.health_listen); !status.ok()) {
    return status;
  }
  health_address_ = io::ToHostPort(health_.local_endpoint());
  if (absl::Status status = BindProtocolListener(); !status.ok()) return status;
  listen_address_ = io::ToHostPort(protocol_listener_.local_endpoint());
  readiness_.Set(io::kListenerBound, true);
  phase_ = Phase::kServing;
  metrics_.SetDrainState(metrics::DrainState::kServing);
  LogServingPlan(options_.config, listen_address_, health_address_);
  WaitForSignal();
  return Announce();
}

absl::Status Daemon::BindProtocolListener() {
  // SERVER WIRING: the connection supervisor's production Listener (io/runtime) binds
  // options_.config.listen here and reports the bound endpoint; the server is then started
  // with options_.config and &metrics_. Until then the daemon holds the address itself.
  absl::Status status = io::BindAcceptor(protocol_listener_, options_.config.listen, "listener");
  if (!status.ok()) return status;
  AcceptProtocolConnections();
  return absl::OkStatus();
}

void Daemon::AcceptProtocolConnections() {
  protocol_listener_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !protocol_listener_.is_open()) return;
    if (!ec) {
      boost::system::error_code ignored;
      const tcp::endpoint peer = socket.remote_endpoint(ignored);
      spdlog::debug("protocol server not wired yet: closing connection from {}",
                    io::ToHostPort(peer).ToString());
      socket.close(ignored);
    }
    AcceptProtocolConnections();
  });
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
  // SERVER WIRING: run io_ on config.scheduler_threads threads (0 = hardware concurrency)
  // once the server's work lives on it; the daemon's own handlers are already on strand_ and
  // the health endpoint is thread-safe. Until then the calling thread is enough.
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

// server-behaviour.md §6 steps 1-3.
void Daemon::BeginDrain() {
  phase_ = Phase::kDraining;
  metrics_.SetDrainState(metrics::DrainState::kDraining);
  readiness_.Set(io::kListenerBound, false);
  boost::system::error_code ignored;
  protocol_listener_.close(ignored);
  drain_timer_.expires_after(std::chrono::milliseconds(options_.config.drain_timeout_ms));
  drain_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the drain finished in time
    spdlog::warn("drain timeout ({} ms) reached: force-closing the remaining connections",
                 options_.config.drain_timeout_ms);
    ForceClose();
  });
  // SERVER WIRING: stop accepting, send Disconnect once to every connection, and call
  // OnDrained() (posted to strand_) when the last connection has closed.
  asio::post(strand_, [this] { OnDrained(); });
}

void Daemon::OnDrained() {
  if (phase_ != Phase::kDraining) return;
  spdlog::info("all connections closed");
  Finish();
}

// server-behaviour.md §6 step 4.
void Daemon::ForceClose() {
  if (phase_ != Phase::kDraining) return;
  phase_ = Phase::kForceClosing;
  metrics_.SetDrainState(metrics::DrainState::kForceClosing);
  // SERVER WIRING: force-close every remaining connection (one Disconnect each if not yet
  // sent), counting them in metrics_.connections_force_closed_total.
  Finish();
}

// server-behaviour.md §6 step 5.
void Daemon::Finish() {
  if (phase_ == Phase::kStopped) return;
  drain_timer_.cancel();
  // SERVER WIRING: flush every durable log and stop the scheduler; on a flush failure log
  // it and set exit_code_ = kShutdownFailed.
  phase_ = Phase::kStopped;
  metrics_.SetDrainState(metrics::DrainState::kStopped);
  health_.Stop();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  spdlog::info("liminald stopped (exit code {})", exit_code_);
  io_.stop();
}

}  // namespace liminal::daemon
