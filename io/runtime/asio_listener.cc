#include "io/runtime/asio_listener.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <exception>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "io/health/bind_acceptor.h"
#include "io/runtime/accept_backoff.h"
#include "io/runtime/asio_runtime.h"
#include "io/tls/server_tls_handshake.h"
#include "io/tls/tls_socket.h"

namespace liminal::io {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

class AsioListener::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(AsioRuntime& runtime, ListenerOptions options)
      : scheduler_(runtime.scheduler()),
        acceptor_(runtime.io_context()),
        strand_(asio::make_strand(runtime.io_context())),
        backoff_timer_(runtime.io_context()),
        backoff_(options.initial_backoff, options.max_backoff),
        options_(std::move(options)) {}

  absl::Status Open(const config::HostPort& address) {
    if (absl::Status status = BindAcceptor(acceptor_, address, "listener"); !status.ok()) {
      return status;
    }
    error_code ec;
    const tcp::endpoint bound = acceptor_.local_endpoint(ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot read the address of listener ",
                                                 address.ToString(), ": ", ec.message()));
    }
    local_ = ToHostPort(bound).ToString();
    return absl::OkStatus();
  }

  void Start(runtime::AcceptCallback on_accept) {
    runtime::AcceptCallback replaced;
    bool first = false;
    {
      absl::MutexLock lock(&callback_mu_);
      if (stopped_.load()) return;
      replaced = std::move(callback_);
      callback_ = std::move(on_accept);
      first = !started_;
      started_ = true;
    }
    if (first) asio::post(strand_, [self = shared_from_this()] { self->Accept(); });
  }

  void Stop() {
    if (stopped_.exchange(true)) return;
    runtime::AcceptCallback dropped;
    if (calling_thread_.load() != std::this_thread::get_id()) {
      absl::MutexLock lock(&callback_mu_);  // waits for a call in progress
      dropped = std::move(callback_);
    }  // else: inside the callback; Deliver drops it when the call returns
    asio::post(strand_, [self = shared_from_this()] { self->CloseOnStrand(); });
  }

  const std::string& local() const { return local_; }
  uint64_t accepted() const { return accepted_.load(std::memory_order_relaxed); }
  uint64_t resource_errors() const { return resource_errors_.load(std::memory_order_relaxed); }
  uint64_t tls_failures() const { return tls_failures_.load(std::memory_order_relaxed); }

 private:
  template <typename Handler>
  auto OnStrand(Handler handler) {
    return asio::bind_executor(strand_, std::move(handler));
  }

  void Accept() {
    if (closed_) return;
    acceptor_.async_accept(
        OnStrand([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
          self->OnAccept(ec, std::move(socket));
        }));
  }

  void OnAccept(const error_code& ec, tcp::socket socket) {
    if (closed_) return;
    if (!ec) {
      backoff_.Reset();
      accepted_.fetch_add(1, std::memory_order_relaxed);
      Accept();
      if (options_.tls != nullptr) {
        StartTlsHandshake(std::move(socket));
      } else {
        Deliver(std::make_unique<AsioSocket>(scheduler_, std::move(socket), options_.socket));
      }
      return;
    }
    switch (ClassifyAcceptError(ec)) {
      case AcceptErrorKind::kStopped:
        return;
      case AcceptErrorKind::kRetryNow:
        spdlog::debug("listener {}: accept failed for one connection: {}", local_, ec.message());
        Accept();
        return;
      case AcceptErrorKind::kBackOff:
        break;
    }
    if (IsResourceExhaustion(ec)) resource_errors_.fetch_add(1, std::memory_order_relaxed);
    const absl::Duration delay = backoff_.Next();
    spdlog::warn("listener {}: accept failed: {}; retrying in {}", local_, ec.message(),
                 absl::FormatDuration(delay));
    backoff_timer_.expires_after(absl::ToChronoNanoseconds(delay));
    backoff_timer_.async_wait(OnStrand([self = shared_from_this()](const error_code& wait_ec) {
      if (!wait_ec) self->Accept();
    }));
  }

  void StartTlsHandshake(tcp::socket socket) {
    if (pending_handshakes_.fetch_add(1) >= options_.max_pending_tls_handshakes) {
      pending_handshakes_.fetch_sub(1);
      tls_failures_.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("listener {}: {} TLS handshakes already in progress; closing a new connection",
                   local_, options_.max_pending_tls_handshakes);
      error_code ignored;
      socket.close(ignored);
      return;
    }
    AcceptTlsHandshake(
        std::move(socket), options_.tls,
        {.timeout = options_.tls_handshake_timeout, .linger = options_.socket.close_grace},
        [self = shared_from_this()](absl::StatusOr<TlsSocket::Stream> stream) {
          self->pending_handshakes_.fetch_sub(1);
          if (!stream.ok()) {
            self->tls_failures_.fetch_add(1, std::memory_order_relaxed);
            spdlog::info("listener {}: {}", self->local_, std::string(stream.status().message()));
            return;
          }
          self->Deliver(std::make_unique<TlsSocket>(self->scheduler_, *std::move(stream),
                                                    self->options_.socket));
        });
  }

  void Deliver(std::unique_ptr<runtime::Socket> socket) {
    runtime::AcceptCallback dropped;
    {
      absl::MutexLock lock(&callback_mu_);
      if (stopped_.load() || !callback_) return;  // the socket closes as it is destroyed
      calling_thread_.store(std::this_thread::get_id());
      try {
        callback_(std::move(socket));
      } catch (const std::exception& e) {
        spdlog::error("listener {}: accept callback threw: {}", local_, e.what());
      } catch (...) {
        spdlog::error("listener {}: accept callback threw a non-standard exception", local_);
      }
      calling_thread_.store(std::thread::id());
      if (stopped_.load()) dropped = std::move(callback_);  // Stop() was called inside it
    }
  }

  void CloseOnStrand() {
    closed_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    backoff_timer_.cancel();
  }

  AsioScheduler& scheduler_;
  tcp::acceptor acceptor_;  // strand only (after Open)
  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer backoff_timer_;  // strand only
  AcceptBackoff backoff_;             // strand only
  bool closed_ = false;               // strand only
  const ListenerOptions options_;
  std::string local_;  // set by Open, then immutable

  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> resource_errors_{0};
  std::atomic<uint64_t> tls_failures_{0};
  std::atomic<size_t> pending_handshakes_{0};
  std::atomic<bool> stopped_{false};
  std::atomic<std::thread::id> calling_thread_{};
  absl::Mutex callback_mu_;
  runtime::AcceptCallback callback_ ABSL_GUARDED_BY(callback_mu_);
  bool started_ ABSL_GUARDED_BY(callback_mu_) = false;
};

absl::StatusOr<std::unique_ptr<AsioListener>> AsioListener::Bind(AsioRuntime& runtime,
                                                                 const config::HostPort& address,
                                                                 ListenerOptions options) {
  auto impl = std::make_shared<Impl>(runtime, std::move(options));
  if (absl::Status status = impl->Open(address); !status.ok()) return status;
  return std::unique_ptr<AsioListener>(new AsioListener(std::move(impl)));
}

AsioListener::~AsioListener() { impl_->Stop(); }

void AsioListener::StartAccepting(runtime::AcceptCallback on_accept) {
  impl_->Start(std::move(on_accept));
}

void AsioListener::Stop() { impl_->Stop(); }

std::string AsioListener::LocalAddress() const { return impl_->local(); }

uint64_t AsioListener::accepted() const { return impl_->accepted(); }

uint64_t AsioListener::resource_errors() const { return impl_->resource_errors(); }

uint64_t AsioListener::tls_handshake_failures() const { return impl_->tls_failures(); }

}  // namespace liminal::io
