// The health endpoint of the real liminald binary (server-behaviour.md §7), and the signals
// that end it (§6).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "tests/e2e/support/daemon_process.h"
#include "tests/e2e/support/http_client.h"
#include "tests/e2e/support/tcp_connection.h"

namespace liminal::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr auto kTimeout = 10s;

class LiminaldHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start();
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  HttpResponse Get(const std::string& path) {
    absl::StatusOr<HttpResponse> response = HttpGet(daemon_->health(), path, kTimeout);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(HttpResponse{});
  }

  void ExpectCleanStop(int signal_number) {
    ASSERT_TRUE(daemon_->Signal(signal_number).ok());
    absl::StatusOr<int> code = daemon_->WaitForExit(kTimeout);
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0) << daemon_->stderr_text();
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(LiminaldHealthTest, AnnouncesBothBoundAddressesAsOneJsonLine) {
  const std::string out = daemon_->stdout_text();
  const std::regex line(
      R"(\{"event":"listening","listen":"127\.0\.0\.1:[1-9][0-9]*","health":"127\.0\.0\.1:[1-9][0-9]*"\}\n)");
  EXPECT_TRUE(std::regex_match(out, line)) << out;
  EXPECT_NE(daemon_->listen().port, daemon_->health().port);
  EXPECT_NE(daemon_->listen().port, 7400) << "--ephemeral-ports ignored";
}

TEST_F(LiminaldHealthTest, Health) {
  const HttpResponse r = Get("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"status":"healthy","message":null})");
}

TEST_F(LiminaldHealthTest, ReadyOnceConfigLoadedAndListenerBound) {
  const HttpResponse r = Get("/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ready":true,"unmet_conditions":[]})");
}

TEST_F(LiminaldHealthTest, MetricsExposeTheServerCatalogue) {
  const HttpResponse r = Get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4");
  for (const char* sample : {
           "liminal_connections_current 0\n",
           "liminal_connections_total 0\n",
           "liminal_frames_in_total{type=\"Publish\"} 0\n",
           "liminal_frames_out_total{type=\"Deliver\"} 0\n",
           "liminal_publishes_total{outcome=\"acked\"} 0\n",
           "liminal_deliveries_total 0\n",
           "liminal_acks_total{kind=\"accept\"} 0\n",
           "liminal_subscriptions_shed_total 0\n",
           "liminal_pushes_total{outcome=\"replied\"} 0\n",
           "liminal_conversations_opened_total 0\n",
           "liminal_durable_appends_total 0\n",
           "liminal_durable_fsync_seconds_count 0\n",
           "liminal_drain_state 0\n",
       }) {
    EXPECT_THAT(r.body, HasSubstr(sample));
  }
}

TEST_F(LiminaldHealthTest, WrongMethodPathAndSyntax) {
  absl::StatusOr<HttpResponse> post = HttpRequest(daemon_->health(), "POST", "/ready", kTimeout);
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->Header("allow"), "GET");
  EXPECT_EQ(Get("/status").status, 404);
  absl::StatusOr<HttpResponse> garbage =
      HttpExchange(daemon_->health(), "\x01\x02\r\n\r\n", kTimeout);
  ASSERT_TRUE(garbage.ok()) << garbage.status();
  EXPECT_EQ(garbage->status, 400);
}

TEST_F(LiminaldHealthTest, SilentProbeDoesNotBlockOtherProbes) {
  absl::StatusOr<TcpConnection> silent = TcpConnection::Connect(daemon_->health(), kTimeout);
  ASSERT_TRUE(silent.ok()) << silent.status();
  absl::StatusOr<TcpConnection> slow = TcpConnection::Connect(daemon_->health(), kTimeout);
  ASSERT_TRUE(slow.ok()) << slow.status();
  ASSERT_TRUE(slow->Send("GET /ready HTTP/1.1\r\nHost:", kTimeout).ok());
  // Answered well within the silent probes' request deadline (5 s): nothing waits on them.
  for (const char* path : {"/health", "/ready", "/metrics"}) {
    absl::StatusOr<HttpResponse> r = HttpGet(daemon_->health(), path, 2s);
    ASSERT_TRUE(r.ok()) << path << ": " << r.status();
    EXPECT_EQ(r->status, 200) << path;
  }
}

TEST_F(LiminaldHealthTest, SigtermShutsDownGracefullyWithExitCodeZero) {
  ExpectCleanStop(SIGTERM);
  EXPECT_THAT(daemon_->stderr_text(), HasSubstr("received SIGTERM: shutting down gracefully"));
  EXPECT_THAT(daemon_->stderr_text(), HasSubstr("liminald stopped (exit code 0)"));
  EXPECT_FALSE(HttpGet(daemon_->health(), "/health", 2s).ok()) << "health endpoint still up";
}

TEST_F(LiminaldHealthTest, SigintShutsDownGracefullyWithExitCodeZero) {
  ExpectCleanStop(SIGINT);
  EXPECT_THAT(daemon_->stderr_text(), HasSubstr("received SIGINT"));
}

TEST_F(LiminaldHealthTest, ShutdownClosesTheProtocolListener) {
  absl::StatusOr<TcpConnection> before = TcpConnection::Connect(daemon_->listen(), kTimeout);
  EXPECT_TRUE(before.ok()) << before.status();
  ExpectCleanStop(SIGTERM);
  EXPECT_FALSE(TcpConnection::Connect(daemon_->listen(), 2s).ok());
}

TEST_F(LiminaldHealthTest, LogsWhatItServes) {
  // stderr is a separate pipe: wait for the plan's last line rather than assume it arrived.
  ASSERT_TRUE(daemon_->process().WaitForStderrLine("auth: disabled", kTimeout).ok());
  const std::string log = daemon_->stderr_text();
  EXPECT_THAT(log, HasSubstr("listening on " + daemon_->listen().ToString()));
  EXPECT_THAT(log, HasSubstr("channel 'orders': in-memory"));
  EXPECT_THAT(log,
              HasSubstr("limits: max_connections=10000 max_subscriptions_per_connection=1024"));
  EXPECT_THAT(log, HasSubstr("max_frame_bytes=16777216"));
  EXPECT_THAT(log, HasSubstr("auth: disabled"));
}

}  // namespace
}  // namespace liminal::e2e
