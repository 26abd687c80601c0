#include "io/health/health_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "io/health/bind_acceptor.h"

namespace liminal::io {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// After a failed accept (for example EMFILE), wait this long before accepting again instead
// of spinning on the error.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// How long a closing connection may keep sending before it is cut off (lingering close, so the
// peer reads our last response instead of a reset).
constexpr std::chrono::milliseconds kLingerTimeout{1000};

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

class HealthServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  class SessionBase;
  template <typename Stream>
  class Session;

  Impl(asio::io_context& io, const Readiness& readiness, MetricsRenderer metrics,
       HealthServerOptions options)
      : io_(io),
        strand_(asio::make_strand(io)),
        acceptor_(strand_),
        retry_timer_(strand_),
        readiness_(readiness),
        metrics_(std::move(metrics)),
        options_(options) {}

  absl::Status Start(const config::HostPort& address, std::shared_ptr<asio::ssl::context> tls);
  void Stop();
  tcp::endpoint local_endpoint() const {
    absl::MutexLock lock(&mu_);
    return endpoint_;
  }

  const Readiness& readiness() const { return readiness_; }
  const MetricsRenderer& metrics() const { return metrics_; }
  const HealthServerOptions& options() const { return options_; }
  void Forget(SessionBase* session) {
    absl::MutexLock lock(&mu_);
    sessions_.erase(session);
  }

 private:
  void Accept();  // on strand_
  void Admit(tcp::socket socket);

  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;  // after Start(), used on strand_ only
  asio::steady_timer retry_timer_;
  std::shared_ptr<asio::ssl::context> tls_;  // set by Start(); null: plaintext
  const Readiness& readiness_;
  const MetricsRenderer metrics_;
  const HealthServerOptions options_;

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  tcp::endpoint endpoint_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_ ABSL_GUARDED_BY(mu_);
};

class HealthServer::Impl::SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Start() = 0;
  // Closes the connection now (server stopping), from any thread.
  virtual void Close() = 0;
};

// One probe connection: (with TLS, a handshake first, under the request deadline) read a
// request (under a deadline), answer it, repeat while the client keeps the connection alive.
// Every step runs on the connection's own strand. `Stream` is a beast::tcp_stream, or a
// beast::ssl_stream over one.
template <typename Stream>
class HealthServer::Impl::Session : public SessionBase,
                                    public std::enable_shared_from_this<Session<Stream>> {
 public:
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <typename... Args>
  Session(std::shared_ptr<Impl> server, Args&&... stream_args)
      : stream_(std::forward<Args>(stream_args)...), server_(std::move(server)) {}
  ~Session() override { server_->Forget(this); }

  void Start() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if constexpr (kTls) {
        self->lowest().expires_after(self->server_->options().request_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
          if (self->closing_) return;
          if (ec) {
            spdlog::debug("health: TLS handshake with {} failed: {}", self->Peer(), ec.message());
            self->DrainThenClose();  // e.g. plaintext HTTP
            return;
          }
          self->ReadRequest();
        });
      } else {
        self->ReadRequest();
      }
    });
  }

  void Close() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      self->lowest().close();
    });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void ReadRequest() {
    if (closing_) return;
    const HealthServerOptions& options = server_->options();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options.max_request_bytes));
    parser_->body_limit(options.max_request_bytes);
    lowest().expires_after(options.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (closing_) return;
    if (ec) {
      if (IsParseError(ec)) {
        spdlog::debug("health: malformed request from {}: {}", Peer(), ec.message());
        Respond(BadRequestResponse(ec.message()), 11, /*keep_alive=*/false, /*head=*/false);
      } else {
        // End of stream, the request deadline, or a socket error: nothing to answer.
        if (ec == beast::error::timeout) spdlog::debug("health: probe {} timed out", Peer());
        lowest().close();
      }
      return;
    }
    const http::request<http::string_body>& request = parser_->get();
    const beast::string_view method = request.method_string();
    const beast::string_view target = request.target();
    Respond(RouteHealthRequest(absl::string_view(method.data(), method.size()),
                               absl::string_view(target.data(), target.size()),
                               server_->readiness(), server_->metrics()),
            request.version(), request.keep_alive(), request.method() == http::verb::head);
  }

  // `head`: answer a HEAD request, whose response carries the headers but never a body.
  void Respond(const HealthResponse& answer, unsigned version, bool keep_alive, bool head) {
    response_ = {};
    response_.version(version);
    response_.result(answer.status);
    response_.set(http::field::server, "liminald");
    response_.set(http::field::content_type, answer.content_type);
    response_.set(http::field::cache_control, "no-store");
    if (answer.allow_get) response_.set(http::field::allow, "GET");
    response_.keep_alive(keep_alive);
    if (head) {
      response_.content_length(answer.body.size());
    } else {
      response_.body() = answer.body;
      response_.prepare_payload();
    }
    lowest().expires_after(server_->options().request_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->OnWrite(ec, keep_alive);
                      });
  }

  void OnWrite(beast::error_code ec, bool keep_alive) {
    if (closing_) return;
    if (ec) {
      lowest().close();
    } else if (keep_alive) {
      ReadRequest();
    } else {
      LingeringClose();
    }
  }

  // Half-closes, then drains whatever the peer still sends until it closes too (or a short
  // deadline passes), so that it reads our response rather than a connection reset.
  // With TLS: close_notify, and the peer's in reply (or the deadline), then close.
  void LingeringClose() {
    lowest().expires_after(std::min(kLingerTimeout, server_->options().request_timeout));
    if constexpr (kTls) {
      stream_.async_shutdown(
          [self = shared_from_this()](beast::error_code) { self->lowest().close(); });
    } else {
      DrainThenClose();
    }
  }

  // Half-close the TCP connection and drop what the peer still sends until it closes.
  void DrainThenClose() {
    lowest().expires_after(std::min(kLingerTimeout, server_->options().request_timeout));
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Drain();
  }

  void Drain() {
    lowest().async_read_some(asio::buffer(discard_),
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               if (ec || self->closing_) {
                                 self->lowest().close();
                               } else {
                                 self->Drain();
                               }
                             });
  }

  std::string Peer() {
    beast::error_code ec;
    const tcp::endpoint peer = lowest().socket().remote_endpoint(ec);
    return ec ? std::string("?") : ToHostPort(peer).ToString();
  }

  Stream stream_;
  std::shared_ptr<Impl> server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::array<char, 1024> discard_;
  bool closing_ = false;
};

absl::Status HealthServer::Impl::Start(const config::HostPort& address,
                                       std::shared_ptr<asio::ssl::context> tls) {
  {
    absl::MutexLock lock(&mu_);
    if (started_) return absl::FailedPreconditionError("health server already started");
    started_ = true;
  }
  tls_ = std::move(tls);  // before the first accept is posted
  // No asynchronous operation is pending yet, so the acceptor may be used from this thread.
  if (absl::Status bound = BindAcceptor(acceptor_, address, "health listener"); !bound.ok()) {
    return bound;
  }
  {
    absl::MutexLock lock(&mu_);
    endpoint_ = acceptor_.local_endpoint();
  }
  asio::post(strand_, [self = shared_from_this()] { self->Accept(); });
  return absl::OkStatus();
}

void HealthServer::Impl::Accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(asio::make_strand(io_),
                         [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                           if (!self->acceptor_.is_open() || ec == asio::error::operation_aborted)
                             return;
                           if (!ec) {
                             self->Admit(std::move(socket));
                             self->Accept();
                             return;
                           }
                           spdlog::warn("health: accept failed: {}; retrying in {} ms",
                                        ec.message(), kAcceptRetryDelay.count());
                           self->retry_timer_.expires_after(kAcceptRetryDelay);
                           self->retry_timer_.async_wait([self](beast::error_code timer_ec) {
                             if (!timer_ec) self->Accept();
                           });
                         });
}

void HealthServer::Impl::Admit(tcp::socket socket) {
  std::shared_ptr<SessionBase> session;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_ || sessions_.size() >= options_.max_connections) {
      if (!stopped_) {
        spdlog::warn("health: {} probe connections already open; closing a new one",
                     sessions_.size());
      }
      beast::error_code ignored;
      socket.close(ignored);
      return;
    }
    if (tls_ != nullptr) {
      session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          shared_from_this(), std::move(socket), *tls_);
    } else {
      session = std::make_shared<Session<beast::tcp_stream>>(shared_from_this(), std::move(socket));
    }
    sessions_.emplace(session.get(), session);
  }
  session->Start();
}

void HealthServer::Impl::Stop() {
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    for (const auto& [raw, weak] : sessions_) {
      if (std::shared_ptr<SessionBase> session = weak.lock()) open.push_back(std::move(session));
    }
  }
  asio::post(strand_, [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
  for (const std::shared_ptr<SessionBase>& session : open) session->Close();
}

HealthServer::HealthServer(asio::io_context& io, const Readiness& readiness,
                           MetricsRenderer metrics, HealthServerOptions options)
    : impl_(std::make_shared<Impl>(io, readiness, std::move(metrics), options)) {}

HealthServer::~HealthServer() { impl_->Stop(); }

absl::Status HealthServer::Start(const config::HostPort& address,
                                 std::shared_ptr<asio::ssl::context> tls) {
  return impl_->Start(address, std::move(tls));
}

tcp::endpoint HealthServer::local_endpoint() const { return impl_->local_endpoint(); }

void HealthServer::Stop() { impl_->Stop(); }

}  // namespace liminal::io
