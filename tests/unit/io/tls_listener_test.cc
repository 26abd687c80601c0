// AsioListener with a TLS context: connections are handed over as TlsSocket after a
// handshake, behave like AsioSocket behind the Socket seam (echo across many TLS records, a
// close that sends close_notify), and the handshake is bounded (timeout, concurrency cap).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "core/config/server_config.h"
#include "io/runtime/asio_listener.h"
#include "io/runtime/asio_runtime.h"
#include "io/tls/server_tls_context.h"
#include "io/tls/throwaway_pki.h"
#include "tests/unit/io/lambda_process.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using testing::Countdown;
using testing::kEventTimeout;
using testing::LambdaProcess;

std::string SlurpFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Blocking reads on `socket` give up after 10 s instead of hanging a broken test.
void BoundReads(tcp::socket& socket) {
  timeval timeout{.tv_sec = 10, .tv_usec = 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
}

class TlsListenerTest : public ::testing::Test {
 protected:
  TlsListenerTest() : runtime_({.scheduler_threads = 2}) {
    char pattern[] = "/tmp/tls-listener-test-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    runtime_.Start();
  }
  ~TlsListenerTest() override {
    listener_.reset();
    runtime_.Stop();
    runtime_.Join();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void SetUp() override {
    absl::StatusOr<ThrowawayPkiFiles> pki = WriteThrowawayPki(dir_);
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *pki;
    config::TlsConfig tls;
    tls.cert_file = pki_.server_cert.string();
    tls.key_file = pki_.server_key.string();
    tls.cert_pem = SlurpFile(pki_.server_cert);
    tls.key_pem = SlurpFile(pki_.server_key);
    absl::StatusOr<std::shared_ptr<asio::ssl::context>> context =
        MakeServerTlsContext(tls, TlsListenerRole::kProtocol);
    ASSERT_TRUE(context.ok()) << context.status();
    options_.tls = *context;
  }

  void Listen() {
    absl::StatusOr<std::unique_ptr<AsioListener>> listener =
        AsioListener::Bind(runtime_, {"127.0.0.1", 0}, options_);
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
    port_ = static_cast<uint16_t>(
        std::stoi(listener_->LocalAddress().substr(listener_->LocalAddress().rfind(':') + 1)));
  }

  tcp::endpoint endpoint() const { return {asio::ip::make_address("127.0.0.1"), port_}; }

  // True once the server ended `socket` with an orderly EOF within the bounded read.
  static bool ServerClosed(tcp::socket& socket) {
    BoundReads(socket);
    char byte;
    boost::system::error_code ec;
    for (;;) {
      socket.read_some(asio::buffer(&byte, 1), ec);
      if (ec) return ec == asio::error::eof;
    }
  }

  AsioRuntime runtime_;
  std::filesystem::path dir_;
  ThrowawayPkiFiles pki_;
  ListenerOptions options_;
  std::unique_ptr<AsioListener> listener_;
  uint16_t port_ = 0;
};

TEST_F(TlsListenerTest, EchoesAcrossManyRecordsAndClosesWithCloseNotify) {
  Listen();
  // Each accepted socket gets an echo process that closes when its input ends.
  listener_->StartAccepting([this](std::unique_ptr<runtime::Socket> accepted) {
    std::shared_ptr<runtime::Socket> socket = std::move(accepted);
    runtime_.scheduler().Spawn(
        std::make_unique<LambdaProcess>(
            [socket](runtime::ProcessContext& ctx) { socket->StartReading(ctx.self(), 64 * 1024); },
            [socket](runtime::ProcessContext&, runtime::Message& message) {
              if (auto* data = std::get_if<runtime::SocketData>(&message)) {
                const size_t size = data->bytes.size();
                socket->Write(std::move(data->bytes));
                socket->Consumed(size);
              } else if (std::holds_alternative<runtime::SocketClosed>(message)) {
                socket->Close();
              }
            }),
        {.name = "echo"});
  });

  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file(pki_.ca_cert.string());
  context.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<tcp::socket> client(io, context);
  client.next_layer().connect(endpoint());
  BoundReads(client.next_layer());
  client.handshake(asio::ssl::stream_base::client);

  std::string sent(300 * 1024, '\0');
  for (size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>('a' + i % 26);
  asio::write(client, asio::buffer(sent));
  std::string echoed(sent.size(), '\0');
  boost::system::error_code ec;
  asio::read(client, asio::buffer(echoed), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(echoed, sent);

  // Our close_notify ends the server's input; it closes and answers with its own.
  client.shutdown(ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(TlsListenerTest, AClientThatNeverHandshakesIsClosedAfterTheTimeout) {
  options_.tls_handshake_timeout = absl::Milliseconds(200);
  Listen();
  Countdown never_accepted(1);
  listener_->StartAccepting([&](std::unique_ptr<runtime::Socket>) { never_accepted.Decrement(); });
  asio::io_context io;
  tcp::socket silent(io);
  silent.connect(endpoint());
  EXPECT_TRUE(ServerClosed(silent));
  EXPECT_EQ(listener_->tls_handshake_failures(), 1u);
  EXPECT_EQ(never_accepted.remaining(), 1);
}

TEST_F(TlsListenerTest, HandshakesBeyondTheCapAreClosedAtOnce) {
  options_.max_pending_tls_handshakes = 1;
  options_.tls_handshake_timeout = absl::Seconds(30);
  Listen();
  listener_->StartAccepting([](std::unique_ptr<runtime::Socket>) {});
  asio::io_context io;
  tcp::socket first(io);
  first.connect(endpoint());
  tcp::socket second(io);
  second.connect(endpoint());
  // The first holds the only handshake slot (for 30 s); the second is closed at once.
  EXPECT_TRUE(ServerClosed(second));
  EXPECT_EQ(listener_->tls_handshake_failures(), 1u);
  EXPECT_EQ(listener_->accepted(), 2u);
}

TEST_F(TlsListenerTest, APlaintextPeerGetsAnOrderlyClose) {
  Listen();
  listener_->StartAccepting([](std::unique_ptr<runtime::Socket>) {});
  asio::io_context io;
  tcp::socket plain(io);
  plain.connect(endpoint());
  const std::string not_tls = "PING\r\n";
  asio::write(plain, asio::buffer(not_tls));
  EXPECT_TRUE(ServerClosed(plain));  // EOF, not a reset
  EXPECT_EQ(listener_->tls_handshake_failures(), 1u);
}

}  // namespace
}  // namespace liminal::io
