#include "io/runtime/signal_watcher.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <csignal>
#include <exception>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace liminal::io {

namespace asio = boost::asio;
using boost::system::error_code;

class SignalWatcher::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, Callback on_signal)
      : strand_(asio::make_strand(io)), signals_(io), callback_(std::move(on_signal)) {}

  // Registers the signals synchronously, so none is missed once the constructor returns.
  void Start() {
    error_code ec;
    signals_.add(SIGINT, ec);
    if (ec) spdlog::error("cannot watch SIGINT: {}", ec.message());
    signals_.add(SIGTERM, ec);
    if (ec) spdlog::error("cannot watch SIGTERM: {}", ec.message());
    asio::post(strand_, [self = shared_from_this()] { self->Wait(); });
  }

  void Stop() {
    if (stopped_.exchange(true)) return;
    Callback dropped;
    if (calling_thread_.load() != std::this_thread::get_id()) {
      absl::MutexLock lock(&callback_mu_);  // waits for a call in progress
      dropped = std::move(callback_);
    }
    asio::post(strand_, [self = shared_from_this()] {
      error_code ignored;
      self->signals_.clear(ignored);  // restores the default dispositions
      self->signals_.cancel(ignored);
    });
  }

 private:
  void Wait() {
    if (stopped_.load()) return;
    signals_.async_wait(asio::bind_executor(
        strand_, [self = shared_from_this()](const error_code& ec, int signal_number) {
          if (ec) return;  // cancelled
          self->Deliver(signal_number);
          self->Wait();
        }));
  }

  void Deliver(int signal_number) {
    Callback dropped;
    absl::MutexLock lock(&callback_mu_);
    if (stopped_.load() || !callback_) return;
    calling_thread_.store(std::this_thread::get_id());
    try {
      callback_(signal_number);
    } catch (const std::exception& e) {
      spdlog::error("signal callback threw: {}", e.what());
    } catch (...) {
      spdlog::error("signal callback threw a non-standard exception");
    }
    calling_thread_.store(std::thread::id());
    if (stopped_.load()) dropped = std::move(callback_);
  }

  asio::strand<asio::io_context::executor_type> strand_;
  asio::signal_set signals_;  // strand only (after Start)
  std::atomic<bool> stopped_{false};
  std::atomic<std::thread::id> calling_thread_{};
  absl::Mutex callback_mu_;
  Callback callback_ ABSL_GUARDED_BY(callback_mu_);
};

SignalWatcher::SignalWatcher(asio::io_context& io, Callback on_signal)
    : impl_(std::make_shared<Impl>(io, std::move(on_signal))) {
  impl_->Start();
}

SignalWatcher::~SignalWatcher() { impl_->Stop(); }

void SignalWatcher::Stop() { impl_->Stop(); }

}  // namespace liminal::io
