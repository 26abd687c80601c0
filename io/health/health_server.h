// HealthServer: liminald's HTTP/1.1 health, readiness and metrics endpoint on its own
// listener (server-behaviour.md §7; the answers are in health_routes.h), built on Boost.Beast
// over an asio::io_context.
//
//   boost::asio::io_context io;
//   Readiness readiness({kConfigLoaded, kListenerBound});
//   HealthServer health(io, readiness, [&] { return metrics.RenderPrometheusText(); });
//   absl::Status s = health.Start({"127.0.0.1", 0});   // port 0 = ephemeral
//   health.port();                                      // the bound port
//   io.run();                                           // ... health.Stop() ends it
//
// Every connection is served asynchronously on its own strand, with a deadline for each
// request (HealthServerOptions::request_timeout) covering the whole request, so a silent or
// slow probe never holds up other probes and is closed when its deadline passes. Keep-alive is
// honoured. With a TLS context (Start's second argument, io/tls/server_tls_context.h with
// TlsListenerRole::kHealth) every connection completes a TLS handshake first, under the same
// deadline, and ends with close_notify. Unparseable requests get 400 and the connection is closed.
// The number of open probe connections is capped; extra connections are closed at once.
//
// Threading: any number of threads may run the io_context. Start() and Stop() may be called
// from any thread. The io_context must outlive the HealthServer; `readiness` and the metrics
// renderer must stay valid until the io_context has stopped running handlers.
#ifndef LIMINAL_IO_HEALTH_HEALTH_SERVER_H_
#define LIMINAL_IO_HEALTH_HEALTH_SERVER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "core/config/host_port.h"
#include "io/health/health_routes.h"
#include "io/health/readiness.h"

namespace liminal::io {

struct HealthServerOptions {
  // Time allowed for a whole request to arrive, and for its response to be written.
  std::chrono::milliseconds request_timeout{5000};
  // Limit on a request's header block and on its body (health probes carry no body).
  size_t max_request_bytes = 8192;
  // Open probe connections beyond this are closed immediately.
  size_t max_connections = 64;
};

class HealthServer {
 public:
  HealthServer(boost::asio::io_context& io, const Readiness& readiness, MetricsRenderer metrics,
               HealthServerOptions options = {});
  ~HealthServer();  // Stop()s
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  // Binds `address` and starts accepting, over TLS when `tls` is set. Fails (naming the
  // address) if it cannot bind, or if already started.
  absl::Status Start(const config::HostPort& address,
                     std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

  // The bound endpoint; valid after a successful Start().
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  uint16_t port() const { return local_endpoint().port(); }

  // Stops accepting and closes every open probe connection. Idempotent; returns at once, the
  // closing happens on the io_context.
  void Stop();

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace liminal::io

#endif  // LIMINAL_IO_HEALTH_HEALTH_SERVER_H_
