// Graceful shutdown of the real liminald with live clients (server-behaviour.md §6):
// SIGTERM sends one Disconnect to every connection (subscribers and idle ones alike), the
// drain ends as soon as they have all closed, and the process exits 0; a client that stays
// is force-closed after drain_timeout_ms; a second SIGTERM cuts the drain short. During the
// drain /ready is 503 and the listener refuses new connections.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <memory>
#include <string>
#include <variant>

#include "absl/synchronization/notification.h"
#include "client/blocking_client.h"
#include "client/client_error.h"
#include "client/connection.h"
#include "client/io_thread.h"
#include "core/protocol/frame.h"
#include "tests/e2e/protocol/protocol_test_util.h"
#include "tests/e2e/support/http_client.h"

namespace liminal::e2e {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// An async client that records the server's Disconnect (on_draining) without closing.
struct DrainingClient {
  absl::Notification draining;
  std::atomic<int> disconnects{0};
  std::unique_ptr<client::Connection> connection;

  client::ConnectionHandlers Handlers() {
    client::ConnectionHandlers handlers;
    handlers.on_draining = [this] {
      if (disconnects.fetch_add(1) == 0) draining.Notify();
    };
    return handlers;
  }
};

class ShutdownTest : public ::testing::Test {
 protected:
  void Start(int drain_timeout_ms) {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon =
        StartDaemon("drain_timeout_ms = " + std::to_string(drain_timeout_ms) + "\n" +
                    std::string(kDefaultDaemonConfig));
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  // A raw connection past the handshake.
  RawClient Raw() {
    absl::StatusOr<RawClient> raw = RawClient::Connect(daemon_->listen());
    EXPECT_TRUE(raw.ok()) << raw.status();
    EXPECT_TRUE(raw->Handshake().ok());
    return *std::move(raw);
  }

  // The next frame on `raw` is Disconnect, exactly 04 00 00000000 00000000.
  static void ExpectDisconnect(RawClient& raw) {
    absl::StatusOr<protocol::Frame> frame = raw.Next();
    ASSERT_TRUE(frame.ok()) << frame.status();
    ASSERT_TRUE(std::holds_alternative<protocol::Disconnect>(frame->body)) << Describe(*frame);
    absl::StatusOr<std::string> bytes = EncodeToWire(*frame);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    EXPECT_EQ(*bytes, std::string("\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00", 10));
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(ShutdownTest, SigtermDisconnectsEveryClientAndExitsOnceTheyHaveGone) {
  constexpr int kDrainMs = 5000;
  Start(kDrainMs);
  client::IoThread io;
  DrainingClient subscriber;
  DrainingClient idle;
  for (DrainingClient* c : {&subscriber, &idle}) {
    absl::StatusOr<std::unique_ptr<client::Connection>> conn =
        ConnectAsync(io, *daemon_, c->Handlers());
    ASSERT_TRUE(conn.ok()) << conn.status();
    c->connection = *std::move(conn);
  }
  std::promise<absl::Status> subscribed;
  client::SubscriptionHandlers on;
  on.on_delivery = [](const client::Subscription&, client::Delivery) {};
  subscriber.connection->Subscribe(
      "events", {}, std::move(on),
      [&](absl::StatusOr<client::Subscription> s) { subscribed.set_value(s.status()); });
  std::future<absl::Status> subscribe_done = subscribed.get_future();
  ASSERT_EQ(subscribe_done.wait_for(kStepTimeout), std::future_status::ready);
  ASSERT_TRUE(subscribe_done.get().ok());
  RawClient raw = Raw();

  const Clock::time_point signalled = Clock::now();
  ASSERT_TRUE(daemon_->Signal(SIGTERM).ok());
  ExpectDisconnect(raw);
  raw.tcp().Close();
  for (DrainingClient* c : {&subscriber, &idle}) {
    ASSERT_TRUE(c->draining.WaitForNotificationWithTimeout(absl::Seconds(10)));
    c->connection->Close();
  }

  absl::StatusOr<int> code = daemon_->WaitForExit(std::chrono::milliseconds(kDrainMs) + 1s);
  ASSERT_TRUE(code.ok()) << code.status() << "\n" << daemon_->stderr_text();
  EXPECT_EQ(*code, 0) << daemon_->stderr_text();
  // Event-driven: it did not sit out the drain timeout once everybody had closed.
  EXPECT_LT(Clock::now() - signalled, std::chrono::milliseconds(kDrainMs) - 1s);
  EXPECT_EQ(subscriber.disconnects.load(), 1);
  EXPECT_EQ(idle.disconnects.load(), 1);
  EXPECT_THAT(daemon_->stderr_text(), HasSubstr("all connections closed"));
  EXPECT_THAT(daemon_->stderr_text(), HasSubstr("liminald stopped (exit code 0)"));
}

TEST_F(ShutdownTest, ClientsThatStayAreForceClosedAfterTheDrainTimeout) {
  constexpr int kDrainMs = 1000;
  Start(kDrainMs);
  RawClient raw = Raw();
  absl::StatusOr<std::unique_ptr<client::BlockingClient>> blocking = ConnectClient(*daemon_);
  ASSERT_TRUE(blocking.ok()) << blocking.status();

  const Clock::time_point signalled = Clock::now();
  ASSERT_TRUE(daemon_->Signal(SIGTERM).ok());
  ExpectDisconnect(raw);

  // Draining: not ready, and no new connections.
  absl::StatusOr<HttpResponse> ready = HttpGet(daemon_->health(), "/ready", kStepTimeout);
  ASSERT_TRUE(ready.ok()) << ready.status();
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(ready->body, R"({"ready":false,"unmet_conditions":["listener_bound"]})");
  EXPECT_FALSE(TcpConnection::Connect(daemon_->listen(), 2s).ok());

  // The raw client never closes: the server closes it, without a second Disconnect.
  EXPECT_TRUE(raw.ExpectClosed(std::chrono::milliseconds(kDrainMs) + 3s).ok());
  absl::StatusOr<int> code = daemon_->WaitForExit(std::chrono::milliseconds(kDrainMs) + 1s);
  ASSERT_TRUE(code.ok()) << code.status() << "\n" << daemon_->stderr_text();
  EXPECT_EQ(*code, 0) << daemon_->stderr_text();
  EXPECT_GE(Clock::now() - signalled, std::chrono::milliseconds(kDrainMs) - 100ms);
  EXPECT_THAT(
      daemon_->stderr_text(),
      HasSubstr("drain timeout (1000 ms) reached: force-closing 2 remaining connection(s)"));

  EXPECT_TRUE((*blocking)->draining());
  absl::StatusOr<absl::Duration> rtt = (*blocking)->Ping(kCallTimeout);
  EXPECT_TRUE(client::IsDisconnected(rtt.status())) << rtt.status();
}

TEST_F(ShutdownTest, SecondSigtermForcesTheClosePromptly) {
  Start(/*drain_timeout_ms=*/60000);
  RawClient raw = Raw();
  ASSERT_TRUE(daemon_->Signal(SIGTERM).ok());
  ExpectDisconnect(raw);  // the drain has begun

  const Clock::time_point second = Clock::now();
  ASSERT_TRUE(daemon_->Signal(SIGTERM).ok());
  EXPECT_TRUE(raw.ExpectClosed(3s).ok());
  absl::StatusOr<int> code = daemon_->WaitForExit(3s);
  ASSERT_TRUE(code.ok()) << code.status() << "\n" << daemon_->stderr_text();
  EXPECT_EQ(*code, 0) << daemon_->stderr_text();
  EXPECT_LT(Clock::now() - second, 3s);
  EXPECT_THAT(
      daemon_->stderr_text(),
      HasSubstr("received SIGTERM during the drain: force-closing the remaining connections"));
}

}  // namespace
}  // namespace liminal::e2e
