#include "io/tls/server_tls_handshake.h"

#include <array>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "io/health/bind_acceptor.h"

namespace liminal::io {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

std::string PeerOf(const tcp::socket& socket) {
  error_code ec;
  const tcp::endpoint endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("unknown peer") : ToHostPort(endpoint).ToString();
}

// One handshake: the stream, its deadline, and the drain after a failure. Everything runs on
// the strand.
class ServerHandshake : public std::enable_shared_from_this<ServerHandshake> {
 public:
  ServerHandshake(tcp::socket socket, std::shared_ptr<ssl::context> context,
                  TlsHandshakeLimits limits, TlsHandshakeCallback done)
      : strand_(asio::make_strand(socket.get_executor())),
        context_(std::move(context)),
        peer_(PeerOf(socket)),
        stream_(std::in_place, std::move(socket), *context_),
        timer_(strand_),
        limits_(limits),
        done_(std::move(done)) {}

  void Start() {
    asio::post(strand_, [self = shared_from_this()] { self->Begin(); });
  }

 private:
  template <typename Handler>
  auto OnStrand(Handler handler) {
    return asio::bind_executor(strand_, std::move(handler));
  }

  tcp::socket& lowest() { return stream_->next_layer(); }

  void Begin() {
    timer_.expires_after(absl::ToChronoNanoseconds(limits_.timeout));
    timer_.async_wait(OnStrand([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->OnTimeout();
    }));
    stream_->async_handshake(
        ssl::stream_base::server,
        OnStrand([self = shared_from_this()](const error_code& ec) { self->OnHandshake(ec); }));
  }

  void OnTimeout() {
    if (finished_handshake_) return;
    timed_out_ = true;
    error_code ignored;
    lowest().cancel(ignored);  // the handshake completes with operation_aborted
  }

  void OnHandshake(const error_code& ec) {
    finished_handshake_ = true;
    timer_.cancel();
    if (!ec && !timed_out_) {
      TlsSocket::Stream stream = std::move(*stream_);
      stream_.reset();
      std::exchange(done_, nullptr)(std::move(stream));
      return;
    }
    if (timed_out_) {
      std::exchange(done_, nullptr)(absl::DeadlineExceededError(
          absl::StrCat("TLS handshake with ", peer_, " did not complete within ",
                       absl::FormatDuration(limits_.timeout), "; closed")));
      error_code ignored;
      lowest().close(ignored);
      return;
    }
    std::exchange(done_, nullptr)(absl::UnavailableError(
        absl::StrCat("TLS handshake with ", peer_, " failed: ", ec.message())));
    LingerThenClose();
  }

  // Half-close, then read and drop whatever the peer still sends until it closes (or the
  // linger ends), so the peer reads an orderly end of stream instead of a reset.
  void LingerThenClose() {
    error_code ignored;
    lowest().shutdown(tcp::socket::shutdown_send, ignored);
    timer_.expires_after(absl::ToChronoNanoseconds(limits_.linger));
    timer_.async_wait(OnStrand([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->CloseNow();
    }));
    Drain();
  }

  void Drain() {
    lowest().async_read_some(asio::buffer(discard_),
                             OnStrand([self = shared_from_this()](const error_code& ec, size_t) {
                               if (ec) {
                                 self->CloseNow();
                               } else {
                                 self->Drain();
                               }
                             }));
  }

  void CloseNow() {
    timer_.cancel();
    error_code ignored;
    lowest().close(ignored);
  }

  asio::strand<tcp::socket::executor_type> strand_;
  std::shared_ptr<ssl::context> context_;  // outlives the stream
  const std::string peer_;
  std::optional<TlsSocket::Stream> stream_;
  asio::steady_timer timer_;
  const TlsHandshakeLimits limits_;
  TlsHandshakeCallback done_;
  bool timed_out_ = false;
  bool finished_handshake_ = false;
  std::array<char, 1024> discard_{};
};

}  // namespace

void AcceptTlsHandshake(tcp::socket socket, std::shared_ptr<ssl::context> context,
                        TlsHandshakeLimits limits, TlsHandshakeCallback done) {
  std::make_shared<ServerHandshake>(std::move(socket), std::move(context), limits, std::move(done))
      ->Start();
}

}  // namespace liminal::io
