// liminald with [tls]: handshakes, certificate verification both ways, clean closes for
// clients that do not speak TLS, the handshake timeout, the health listener over TLS, and the
// startup warning.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/blocking_client.h"
#include "client/blocking_subscription.h"
#include "client/client_error.h"
#include "io/tls/throwaway_pki.h"
#include "tests/e2e/support/daemon_process.h"
#include "tests/e2e/support/subprocess.h"
#include "tests/e2e/support/tcp_connection.h"
#include "tests/e2e/support/temp_dir.h"

namespace liminal::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::chrono::milliseconds kTimeout{10000};

// How the peer ended `connection`: "eof" (an orderly close), "reset", or "open" if it had not
// closed within `timeout`. Data that arrives meanwhile is dropped.
std::string HowPeerEnds(TcpConnection& connection, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "open";
    pollfd poll_fd{.fd = connection.fd(), .events = POLLIN, .revents = 0};
    if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(connection.fd(), buffer, sizeof(buffer), 0);
    if (n == 0) return "eof";
    if (n < 0 && errno == ECONNRESET) return "reset";
    if (n < 0 && errno != EAGAIN && errno != EINTR) return absl::StrCat("error ", errno);
  }
}

std::filesystem::path LiminalCliPath() {
  return std::filesystem::path(LIMINAL_BINARY_DIR) / "tools" / "liminal";
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("tls-e2e");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<TempDir>(*std::move(dir));
    absl::StatusOr<io::ThrowawayPkiFiles> pki = io::WriteThrowawayPki(dir_->path());
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *pki;
  }

  // The default config plus a [tls] section with the server certificate and `extra` keys.
  DaemonProcessOptions TlsDaemon(const std::string& extra = "",
                                 const std::string& before_tls = "") const {
    DaemonProcessOptions options;
    options.config_toml = absl::StrCat(kDefaultDaemonConfig, before_tls, "\n[tls]\ncert_file = \"",
                                       pki_.server_cert.string(), "\"\nkey_file = \"",
                                       pki_.server_key.string(), "\"\n", extra);
    return options;
  }

  std::unique_ptr<DaemonProcess> StartDaemon(DaemonProcessOptions options) {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
    EXPECT_TRUE(daemon.ok()) << daemon.status();
    return daemon.ok() ? *std::move(daemon) : nullptr;
  }

  client::ConnectionOptions TlsClient(const std::filesystem::path& ca) const {
    client::ConnectionOptions options;
    options.connect_timeout = absl::Seconds(5);
    options.tls.enabled = true;
    options.tls.ca_file = ca.string();
    return options;
  }

  absl::StatusOr<std::unique_ptr<client::BlockingClient>> Connect(
      const DaemonProcess& daemon, const client::ConnectionOptions& options) {
    return client::BlockingClient::Connect(daemon.listen().host, daemon.listen().port, options);
  }

  // Runs `liminal <args> --server <daemon>` to completion.
  static absl::StatusOr<std::pair<int, std::string>> RunCli(const DaemonProcess& daemon,
                                                            std::vector<std::string> args) {
    args.push_back("--server");
    args.push_back(daemon.listen().ToString());
    absl::StatusOr<std::unique_ptr<Subprocess>> cli =
        Subprocess::Spawn({.binary = LiminalCliPath(), .args = std::move(args)});
    if (!cli.ok()) return cli.status();
    absl::StatusOr<int> code = (*cli)->WaitForExit(kTimeout);
    if (!code.ok()) return code.status();
    return std::make_pair(*code, (*cli)->stdout_text() + (*cli)->stderr_text());
  }

  std::unique_ptr<TempDir> dir_;
  io::ThrowawayPkiFiles pki_;
};

TEST_F(TlsTest, ATlsClientPublishesAndSubscribesThroughTheHandshake) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(TlsDaemon());
  ASSERT_NE(daemon, nullptr);
  auto subscriber = Connect(*daemon, TlsClient(pki_.ca_cert));
  ASSERT_TRUE(subscriber.ok()) << subscriber.status();
  auto subscription = (*subscriber)->Subscribe("orders", absl::Seconds(5));
  ASSERT_TRUE(subscription.ok()) << subscription.status();
  auto publisher = Connect(*daemon, TlsClient(pki_.ca_cert));
  ASSERT_TRUE(publisher.ok()) << publisher.status();
  // Large enough to span several TLS records, in both directions.
  const std::string big(100 * 1024, 'x');
  for (const std::string& payload : {std::string(R"({"id":1})"), big}) {
    absl::StatusOr<client::PublishResult> ack =
        (*publisher)->Publish("orders", payload, absl::Seconds(5));
    ASSERT_TRUE(ack.ok()) << ack.status();
    absl::StatusOr<client::Delivery> delivery = (*subscription)->Next(absl::Seconds(5));
    ASSERT_TRUE(delivery.ok()) << delivery.status();
    EXPECT_EQ(delivery->payload, payload);
  }
  (*publisher)->Close();
  (*subscriber)->Close();
  EXPECT_THAT(daemon->stderr_text(), HasSubstr("tls: protocol listener on"));
  EXPECT_EQ(daemon->Stop().value_or(-1), 0);
}

TEST_F(TlsTest, TheCliConnectsWithTlsAndCa) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(TlsDaemon());
  ASSERT_NE(daemon, nullptr);
  auto run = RunCli(*daemon, {"ping", "--ca", pki_.ca_cert.string()});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->first, 0) << run->second;

  auto published = RunCli(*daemon, {"--tls", "--ca", pki_.ca_cert.string(), "pub", "orders", "{}"});
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->first, 0) << published->second;
}

TEST_F(TlsTest, AServerCertificateFromAnotherCaIsRefusedWithAClearError) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(TlsDaemon());
  ASSERT_NE(daemon, nullptr);
  auto client = Connect(*daemon, TlsClient(pki_.other_ca_cert));
  ASSERT_FALSE(client.ok());
  EXPECT_TRUE(client::IsDisconnected(client.status())) << client.status();
  EXPECT_THAT(std::string(client.status().message()),
              HasSubstr("TLS handshake with " + daemon->listen().ToString() +
                        " failed: certificate verify failed"));

  auto run = RunCli(*daemon, {"ping", "--ca", pki_.other_ca_cert.string()});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->first, 3);  // a connection failure
  EXPECT_THAT(run->second, HasSubstr("certificate verify failed"));

  // The server logs the refusal and keeps serving.
  EXPECT_TRUE(daemon->process().WaitForStderrLine("TLS handshake with", kTimeout).ok());
  EXPECT_TRUE(Connect(*daemon, TlsClient(pki_.ca_cert)).ok());
}

TEST_F(TlsTest, APlaintextClientIsClosedCleanlyNotLeftHanging) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(TlsDaemon());
  ASSERT_NE(daemon, nullptr);

  // Raw plaintext bytes (a plaintext client opens with a frame, not a ClientHello). The server
  // must end the connection in an orderly way (EOF), long before its handshake timeout.
  absl::StatusOr<TcpConnection> raw = TcpConnection::Connect(daemon->listen(), kTimeout);
  ASSERT_TRUE(raw.ok()) << raw.status();
  const std::string plaintext_frame(
      "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x01\x00\x00\x00\x01"
      "\x00\x00\x00\x00",
      20);
  ASSERT_TRUE(raw->Send(plaintext_frame, kTimeout).ok());
  // handshake_timeout_ms is 10 s: an answer within 5 s is the clean close, not the timeout.
  EXPECT_EQ(HowPeerEnds(*raw, std::chrono::milliseconds(5000)), "eof");

  // The client library says what went wrong.
  client::ConnectionOptions plaintext;
  plaintext.connect_timeout = absl::Seconds(5);
  auto client = Connect(*daemon, plaintext);
  ASSERT_FALSE(client.ok());
  EXPECT_FALSE(client::IsClientTimeout(client.status())) << client.status();
  EXPECT_THAT(std::string(client.status().message()), HasSubstr("connect with TLS"));
  EXPECT_TRUE(daemon->process().WaitForStderrLine("TLS handshake with", kTimeout).ok());
}

TEST_F(TlsTest, AClientThatNeverHandshakesIsClosedAfterTheHandshakeTimeout) {
  std::unique_ptr<DaemonProcess> daemon =
      StartDaemon(TlsDaemon("", "[limits]\nhandshake_timeout_ms = 300\n"));
  ASSERT_NE(daemon, nullptr);
  absl::StatusOr<TcpConnection> silent = TcpConnection::Connect(daemon->listen(), kTimeout);
  ASSERT_TRUE(silent.ok()) << silent.status();
  EXPECT_TRUE(silent->WaitForPeerClose(kTimeout));
  EXPECT_TRUE(daemon->process().WaitForStderrLine("did not complete within 300ms", kTimeout).ok());
}

TEST_F(TlsTest, TokenAuthStillAppliesAndTheServerClosesATlsConnectionCleanly) {
  std::unique_ptr<DaemonProcess> daemon =
      StartDaemon(TlsDaemon("", "[auth]\ntoken = \"s3cret\"\n"));
  ASSERT_NE(daemon, nullptr);
  // A wrong token: the server answers ConnectError over TLS, then closes (close_notify).
  client::ConnectionOptions wrong = TlsClient(pki_.ca_cert);
  wrong.auth_token = "guess";
  auto refused = Connect(*daemon, wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("0x0006"));

  client::ConnectionOptions right = TlsClient(pki_.ca_cert);
  right.auth_token = "s3cret";
  auto accepted = Connect(*daemon, right);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  // A graceful shutdown closes the live TLS connection from the server's side.
  EXPECT_TRUE((*accepted)->Ping(absl::Seconds(5)).ok());
  EXPECT_EQ(daemon->Stop().value_or(-1), 0);
  EXPECT_FALSE((*accepted)->Ping(absl::Seconds(5)).ok());
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheConfiguredCa) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(TlsDaemon(
      absl::StrCat("ca_file = \"", pki_.ca_cert.string(), "\"\nrequire_client_cert = true\n")));
  ASSERT_NE(daemon, nullptr);

  client::ConnectionOptions with_cert = TlsClient(pki_.ca_cert);
  with_cert.tls.cert_file = pki_.client_cert.string();
  with_cert.tls.key_file = pki_.client_key.string();
  auto good = Connect(*daemon, with_cert);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_TRUE((*good)->Ping(absl::Seconds(5)).ok());

  auto without_cert = Connect(*daemon, TlsClient(pki_.ca_cert));
  EXPECT_FALSE(without_cert.ok());
  EXPECT_TRUE(client::IsDisconnected(without_cert.status())) << without_cert.status();

  client::ConnectionOptions foreign_cert = TlsClient(pki_.ca_cert);
  foreign_cert.tls.cert_file = pki_.other_client_cert.string();
  foreign_cert.tls.key_file = pki_.other_client_key.string();
  auto foreign = Connect(*daemon, foreign_cert);
  EXPECT_FALSE(foreign.ok());
  EXPECT_TRUE(client::IsDisconnected(foreign.status())) << foreign.status();

  auto cli = RunCli(*daemon, {"ping", "--ca", pki_.ca_cert.string(), "--cert",
                              pki_.client_cert.string(), "--key", pki_.client_key.string()});
  ASSERT_TRUE(cli.ok()) << cli.status();
  EXPECT_EQ(cli->first, 0) << cli->second;
}

TEST_F(TlsTest, UnusableClientTlsFilesFailTheConnectNamingTheFile) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(TlsDaemon());
  ASSERT_NE(daemon, nullptr);
  auto missing_ca = Connect(*daemon, TlsClient(dir_->path() / "absent.pem"));
  ASSERT_FALSE(missing_ca.ok());
  EXPECT_EQ(missing_ca.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing_ca.status().message()),
              HasSubstr("TLS CA file '" + (dir_->path() / "absent.pem").string() + "'"));

  client::ConnectionOptions cert_without_key = TlsClient(pki_.ca_cert);
  cert_without_key.tls.cert_file = pki_.client_cert.string();
  auto half = Connect(*daemon, cert_without_key);
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.status().code(), absl::StatusCode::kInvalidArgument);

  client::ConnectionOptions mismatched = TlsClient(pki_.ca_cert);
  mismatched.tls.cert_file = pki_.client_cert.string();
  mismatched.tls.key_file = pki_.other_client_key.string();
  auto wrong_key = Connect(*daemon, mismatched);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_THAT(std::string(wrong_key.status().message()),
              HasSubstr("TLS key file '" + pki_.other_client_key.string() +
                        "' is not the key of certificate"));
}

// GET `path` over HTTPS, verifying the server against `ca`; the whole response.
absl::StatusOr<std::string> HttpsGet(const config::HostPort& address,
                                     const std::filesystem::path& ca, const std::string& path) {
  namespace asio = boost::asio;
  try {
    asio::io_context io;
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(ca.string());
    context.set_verify_mode(asio::ssl::verify_peer);
    asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
    asio::ip::tcp::resolver resolver(io);
    asio::connect(stream.next_layer(),
                  resolver.resolve(address.host, std::to_string(address.port)));
    stream.handshake(asio::ssl::stream_base::client);
    const std::string request =
        absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    asio::write(stream, asio::buffer(request));
    std::string response;
    boost::system::error_code ec;
    asio::read(stream, asio::dynamic_buffer(response), ec);
    if (ec && ec != asio::error::eof && ec != asio::ssl::error::stream_truncated) {
      return absl::UnavailableError(ec.message());
    }
    return response;
  } catch (const boost::system::system_error& error) {
    return absl::UnavailableError(error.what());
  }
}

TEST_F(TlsTest, TheHealthListenerServesHttpsWhenConfigured) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(TlsDaemon("health = true\n"));
  ASSERT_NE(daemon, nullptr);
  absl::StatusOr<std::string> response = HttpsGet(daemon->health(), pki_.ca_cert, "/health");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(*response, HasSubstr("HTTP/1.1 200"));

  // Plaintext HTTP gets a clean close, not an answer.
  absl::StatusOr<TcpConnection> plain = TcpConnection::Connect(daemon->health(), kTimeout);
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_TRUE(plain->Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", kTimeout).ok());
  EXPECT_EQ(HowPeerEnds(*plain, std::chrono::milliseconds(4000)), "eof");
}

TEST_F(TlsTest, TheHealthListenerStaysPlaintextByDefault) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(TlsDaemon());
  ASSERT_NE(daemon, nullptr);
  absl::StatusOr<TcpConnection> plain = TcpConnection::Connect(daemon->health(), kTimeout);
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_TRUE(
      plain->Send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", kTimeout).ok());
  absl::StatusOr<std::string> answer = plain->ReadUntilClosed(kTimeout);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_THAT(*answer, HasSubstr("HTTP/1.1 200"));
}

TEST_F(TlsTest, ANonLoopbackListenerWithNeitherTlsNorAuthIsWarnedAbout) {
  DaemonProcessOptions exposed;
  exposed.config_toml =
      "listen_address = \"0.0.0.0:7400\"\nhealth_listen_address = \"0.0.0.0:7401\"\n"
      "[[channels]]\nname = \"a\"\n";
  std::unique_ptr<DaemonProcess> daemon = StartDaemon(exposed);
  ASSERT_NE(daemon, nullptr);
  EXPECT_TRUE(daemon->process()
                  .WaitForStderrLine("is not loopback and has neither TLS nor auth", kTimeout)
                  .ok());
  EXPECT_TRUE(daemon->process().WaitForStderrLine("health listener 0.0.0.0", kTimeout).ok());
  ASSERT_EQ(daemon->Stop().value_or(-1), 0);

  // With TLS on both listeners: no such warning.
  DaemonProcessOptions covered = TlsDaemon("health = true\n");
  covered.config_toml =
      absl::StrCat("listen_address = \"0.0.0.0:7400\"\nhealth_listen_address = \"0.0.0.0:7401\"\n",
                   covered.config_toml.substr(covered.config_toml.find("[[channels]]")));
  daemon = StartDaemon(covered);
  ASSERT_NE(daemon, nullptr);
  ASSERT_EQ(daemon->Stop().value_or(-1), 0);
  EXPECT_THAT(daemon->stderr_text(), HasSubstr("tls: protocol listener on"));
  EXPECT_THAT(daemon->stderr_text(), Not(HasSubstr("neither TLS nor auth")));
}

TEST_F(TlsTest, BadTlsFilesFailStartupNamingTheKeyAndFile) {
  DaemonProcessOptions options;
  options.config_toml =
      absl::StrCat(kDefaultDaemonConfig, "\n[tls]\ncert_file = \"", pki_.server_cert.string(),
                   "\"\nkey_file = \"", pki_.client_key.string(), "\"\n");
  absl::StatusOr<DaemonProcess::Result> result = DaemonProcess::Run(options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_THAT(result->stderr_text, HasSubstr("tls.key_file: '" + pki_.client_key.string() +
                                             "' is not the private key of tls.cert_file"));
}

}  // namespace
}  // namespace liminal::e2e
