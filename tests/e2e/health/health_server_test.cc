// The HealthServer in-process, on a loopback ephemeral port, with an io_context run by its
// own thread. Deadlines are short so timeout behaviour is observable within a test.
#include "io/health/health_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "io/health/readiness.h"
#include "tests/e2e/support/http_client.h"
#include "tests/e2e/support/tcp_connection.h"

namespace liminal::io {
namespace {

using ::liminal::e2e::HttpExchange;
using ::liminal::e2e::HttpGet;
using ::liminal::e2e::HttpRequest;
using ::liminal::e2e::HttpResponse;
using ::liminal::e2e::ReadHttpResponse;
using ::liminal::e2e::TcpConnection;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr auto kTimeout = 5s;  // generous: only reached when something is broken

class HealthServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_ != nullptr) server_->Stop();
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

  void StartServer(HealthServerOptions options = {}) {
    readiness_.Set(kConfigLoaded, true);
    readiness_.Set(kListenerBound, true);
    server_ = std::make_unique<HealthServer>(
        io_, readiness_,
        [this] {
          ++metrics_calls_;
          return std::string("liminal_test_total 7\n");
        },
        options);
    absl::Status started = server_->Start({"127.0.0.1", 0});
    ASSERT_TRUE(started.ok()) << started;
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] { io_.run(); });
  }

  config::HostPort address() const { return {"127.0.0.1", server_->port()}; }

  HttpResponse Get(const std::string& path) {
    absl::StatusOr<HttpResponse> response = HttpGet(address(), path, kTimeout);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(HttpResponse{});
  }

  TcpConnection Connect() {
    absl::StatusOr<TcpConnection> connection = TcpConnection::Connect(address(), kTimeout);
    EXPECT_TRUE(connection.ok()) << connection.status();
    return *std::move(connection);
  }

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      boost::asio::make_work_guard(io_)};
  Readiness readiness_{{kConfigLoaded, kListenerBound}};
  std::atomic<int> metrics_calls_{0};
  std::unique_ptr<HealthServer> server_;
  std::thread thread_;
};

TEST_F(HealthServerTest, Health) {
  StartServer();
  const HttpResponse r = Get("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(r.body, R"({"status":"healthy","message":null})");
}

TEST_F(HealthServerTest, ReadyFollowsTheConditions) {
  StartServer();
  HttpResponse r = Get("/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ready":true,"unmet_conditions":[]})");
  readiness_.Set(kListenerBound, false);
  r = Get("/ready");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"ready":false,"unmet_conditions":["listener_bound"]})");
}

TEST_F(HealthServerTest, MetricsAreRenderedPerRequest) {
  StartServer();
  const HttpResponse r = Get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4");
  EXPECT_EQ(r.body, "liminal_test_total 7\n");
  Get("/metrics");
  EXPECT_EQ(metrics_calls_.load(), 2);
}

TEST_F(HealthServerTest, UnknownPathIs404) {
  StartServer();
  EXPECT_EQ(Get("/nope").status, 404);
  absl::StatusOr<HttpResponse> post = HttpRequest(address(), "POST", "/nope", kTimeout);
  ASSERT_TRUE(post.ok()) << post.status();
  EXPECT_EQ(post->status, 404);
}

TEST_F(HealthServerTest, OtherMethodIs405WithAllowHeader) {
  StartServer();
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    absl::StatusOr<HttpResponse> r = HttpRequest(address(), method, "/health", kTimeout);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 405) << method;
    EXPECT_EQ(r->Header("allow"), "GET");
  }
}

TEST_F(HealthServerTest, HeadGets405WithoutABody) {
  StartServer();
  TcpConnection c = Connect();
  ASSERT_TRUE(
      c.Send("HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", kTimeout).ok());
  absl::StatusOr<std::string> raw = c.ReadUntilClosed(kTimeout);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_THAT(*raw, StartsWith("HTTP/1.1 405 "));
  EXPECT_THAT(*raw, HasSubstr("Content-Length: 19\r\n"));
  EXPECT_EQ(raw->substr(raw->find("\r\n\r\n") + 4), "") << "HEAD answers carry no body";
}

TEST_F(HealthServerTest, MalformedRequestsAre400AndClosed) {
  StartServer();
  for (const char* request : {
           "GARBAGE\r\n\r\n",
           "GET /health HTTP/1.1\r\nno colon here\r\n\r\n",
           "GET /health HTTX/1.1\r\n\r\n",
           "GET /health HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
       }) {
    TcpConnection c = Connect();
    ASSERT_TRUE(c.Send(request, kTimeout).ok());
    absl::StatusOr<HttpResponse> r = ReadHttpResponse(c, kTimeout);
    ASSERT_TRUE(r.ok()) << r.status() << " for " << request;
    EXPECT_EQ(r->status, 400) << request;
    EXPECT_THAT(r->body, StartsWith("bad request: "));
    EXPECT_TRUE(c.WaitForPeerClose(kTimeout)) << "closed after a 400";
  }
}

TEST_F(HealthServerTest, OversizedRequestIs400) {
  StartServer({.max_request_bytes = 512});
  TcpConnection c = Connect();
  ASSERT_TRUE(
      c.Send("GET /health HTTP/1.1\r\nX-Padding: " + std::string(1024, 'a') + "\r\n\r\n", kTimeout)
          .ok());
  absl::StatusOr<HttpResponse> r = ReadHttpResponse(c, kTimeout);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 400);
}

TEST_F(HealthServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  TcpConnection c = Connect();
  for (const char* path : {"/health", "/ready", "/metrics", "/nope"}) {
    ASSERT_TRUE(c.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n", kTimeout).ok());
    absl::StatusOr<HttpResponse> r = ReadHttpResponse(c, kTimeout);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, std::string(path) == "/nope" ? 404 : 200) << path;
    EXPECT_EQ(r->Header("connection"), "");  // HTTP/1.1 default: keep-alive
  }
}

TEST_F(HealthServerTest, Http10ClosesAfterTheResponse) {
  StartServer();
  TcpConnection c = Connect();
  ASSERT_TRUE(c.Send("GET /health HTTP/1.0\r\n\r\n", kTimeout).ok());
  absl::StatusOr<std::string> raw = c.ReadUntilClosed(kTimeout);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_THAT(*raw, StartsWith("HTTP/1.0 200 OK\r\n"));
}

TEST_F(HealthServerTest, SilentProbeNeitherBlocksOthersNorLingersPastItsDeadline) {
  StartServer({.request_timeout = 300ms});
  TcpConnection silent = Connect();
  TcpConnection half = Connect();
  ASSERT_TRUE(half.Send("GET /hea", kTimeout).ok());  // a slow probe: half a request line
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Get("/health").status, 200);
  // Both were answered while the silent and the slow probe were open ...
  // ... and the server drops them once their request deadline passes.
  EXPECT_TRUE(silent.WaitForPeerClose(kTimeout));
  EXPECT_TRUE(half.WaitForPeerClose(kTimeout));
}

TEST_F(HealthServerTest, ProbeStillOpenBeforeItsDeadline) {
  StartServer({.request_timeout = std::chrono::milliseconds(kTimeout) * 4});
  TcpConnection silent = Connect();
  EXPECT_EQ(Get("/health").status, 200);
  EXPECT_FALSE(silent.WaitForPeerClose(200ms)) << "closed long before its deadline";
}

TEST_F(HealthServerTest, ConnectionsBeyondTheCapAreClosedAtOnce) {
  StartServer({.max_connections = 2});
  TcpConnection first = Connect();
  TcpConnection second = Connect();
  TcpConnection third = Connect();
  EXPECT_TRUE(third.WaitForPeerClose(kTimeout));
  // The admitted ones are still served.
  ASSERT_TRUE(first.Send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", kTimeout).ok());
  absl::StatusOr<HttpResponse> r = ReadHttpResponse(first, kTimeout);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
}

TEST_F(HealthServerTest, StopClosesOpenProbesAndTheListener) {
  StartServer();
  TcpConnection idle = Connect();
  ASSERT_EQ(Get("/health").status, 200);
  server_->Stop();
  EXPECT_TRUE(idle.WaitForPeerClose(kTimeout));
  EXPECT_FALSE(HttpGet(address(), "/health", kTimeout).ok()) << "listener still accepting";
  server_->Stop();  // idempotent
}

TEST_F(HealthServerTest, BindFailureNamesTheAddress) {
  StartServer();
  HealthServer second(io_, readiness_, [] { return std::string(); });
  absl::Status status = second.Start(address());
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("cannot bind health listener " + address().ToString()));
}

TEST_F(HealthServerTest, StartsOnlyOnce) {
  StartServer();
  EXPECT_EQ(server_->Start({"127.0.0.1", 0}).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(HealthServerTest, ConcurrentProbesAllSucceed) {
  StartServer();
  std::vector<std::thread> probes;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    probes.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        absl::StatusOr<HttpResponse> r = HttpGet(address(), "/ready", kTimeout);
        if (r.ok() && r->status == 200) ++ok;
      }
    });
  }
  for (std::thread& probe : probes) probe.join();
  EXPECT_EQ(ok.load(), 80);
}

}  // namespace
}  // namespace liminal::io
