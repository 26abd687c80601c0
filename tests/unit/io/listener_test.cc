// AsioListener (binding, accepting, Stop, resource-exhaustion backoff) and the accept
// retry policy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <cerrno>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "core/check/sanitizers.h"
#include "io/runtime/accept_backoff.h"
#include "io/runtime/asio_listener.h"
#include "io/runtime/asio_runtime.h"
#include "tests/unit/io/blocking_client.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io {
namespace {

using testing::BlockingClient;
using testing::Countdown;
using testing::EventLog;
using ::testing::HasSubstr;
using testing::kEventTimeout;
using ::testing::MatchesRegex;

boost::system::error_code Errno(int value) {
  return boost::system::error_code(value, boost::system::system_category());
}

TEST(AcceptBackoffTest, DoublesFromTheInitialDelayUpToTheCapAndResets) {
  AcceptBackoff backoff(absl::Milliseconds(10), absl::Seconds(1));
  std::vector<absl::Duration> delays;
  for (int i = 0; i < 9; ++i) delays.push_back(backoff.Next());
  EXPECT_EQ(delays, (std::vector<absl::Duration>{
                        absl::Milliseconds(10), absl::Milliseconds(20), absl::Milliseconds(40),
                        absl::Milliseconds(80), absl::Milliseconds(160), absl::Milliseconds(320),
                        absl::Milliseconds(640), absl::Seconds(1), absl::Seconds(1)}));
  backoff.Reset();
  EXPECT_EQ(backoff.Next(), absl::Milliseconds(10));
}

TEST(AcceptBackoffTest, ClassifiesAcceptErrors) {
  for (int e : {EMFILE, ENFILE, ENOBUFS, ENOMEM}) {
    EXPECT_EQ(ClassifyAcceptError(Errno(e)), AcceptErrorKind::kBackOff) << e;
    EXPECT_TRUE(IsResourceExhaustion(Errno(e))) << e;
  }
  for (int e : {ECONNABORTED, EPROTO, EPERM, EINTR, ENETUNREACH}) {
    EXPECT_EQ(ClassifyAcceptError(Errno(e)), AcceptErrorKind::kRetryNow) << e;
    EXPECT_FALSE(IsResourceExhaustion(Errno(e))) << e;
  }
  EXPECT_EQ(ClassifyAcceptError(boost::asio::error::operation_aborted), AcceptErrorKind::kStopped);
  // Unknown errors are backed off too, so nothing can make the loop spin.
  EXPECT_EQ(ClassifyAcceptError(Errno(EINVAL)), AcceptErrorKind::kBackOff);
}

class ListenerTest : public ::testing::Test {
 protected:
  ListenerTest() : runtime_({.scheduler_threads = 2}) { runtime_.Start(); }
  ~ListenerTest() override {
    runtime_.Stop();
    runtime_.Join();
  }

  // Accepts into `sockets_` (keeping them open) and counts.
  void AcceptInto(AsioListener& listener) {
    listener.StartAccepting([this](std::unique_ptr<runtime::Socket> socket) {
      absl::MutexLock lock(&mu_);
      sockets_.push_back(std::move(socket));
      accepted_.Decrement();
    });
  }
  size_t accepted_count() {
    absl::MutexLock lock(&mu_);
    return sockets_.size();
  }

  AsioRuntime runtime_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<runtime::Socket>> sockets_;
  Countdown accepted_{1};
};

TEST_F(ListenerTest, PortZeroBindsAFreePortAndReportsIt) {
  auto listener = AsioListener::Bind(runtime_, {"127.0.0.1", 0});
  ASSERT_TRUE(listener.ok()) << listener.status();
  EXPECT_THAT((*listener)->LocalAddress(), MatchesRegex("127\\.0\\.0\\.1:[1-9][0-9]*"));
  AcceptInto(**listener);
  auto client = BlockingClient::Connect((*listener)->LocalAddress());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(accepted_.WaitFor());
  EXPECT_EQ((*listener)->accepted(), 1u);
}

TEST_F(ListenerTest, BindingABusyPortFailsWithAnOperatorMessage) {
  auto first = AsioListener::Bind(runtime_, {"127.0.0.1", 0});
  ASSERT_TRUE(first.ok());
  absl::StatusOr<config::HostPort> taken = config::ParseHostPort((*first)->LocalAddress());
  ASSERT_TRUE(taken.ok());
  auto second = AsioListener::Bind(runtime_, *taken);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(second.status().message()),
            "cannot bind listener " + (*first)->LocalAddress() + ": Address already in use");
}

TEST_F(ListenerTest, IPv6LoopbackIsBracketed) {
  auto listener = AsioListener::Bind(runtime_, {"::1", 0});
  if (!listener.ok()) GTEST_SKIP() << "no IPv6 loopback: " << listener.status();
  EXPECT_THAT((*listener)->LocalAddress(), MatchesRegex("\\[::1\\]:[1-9][0-9]*"));
}

TEST_F(ListenerTest, AfterStopNoConnectionIsHandedOver) {
  auto listener = AsioListener::Bind(runtime_, {"127.0.0.1", 0});
  ASSERT_TRUE(listener.ok());
  const std::string address = (*listener)->LocalAddress();
  AcceptInto(**listener);
  auto first = BlockingClient::Connect(address);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(accepted_.WaitFor());
  (*listener)->Stop();
  (*listener)->Stop();  // idempotent
  // A later client is refused, or reset when the acceptor closes, or dropped unaccepted;
  // it never reaches the callback (which would keep it open, so the read below would hang).
  auto late = BlockingClient::Connect(address);
  if (late.ok()) {
    const BlockingClient::End end = late->ReadToEnd();
    EXPECT_FALSE(end.timed_out);
  }
  EXPECT_EQ(accepted_count(), 1u);
}

TEST_F(ListenerTest, StopFromInsideTheCallbackDoesNotDeadlock) {
  auto listener = AsioListener::Bind(runtime_, {"127.0.0.1", 0});
  ASSERT_TRUE(listener.ok());
  AsioListener* raw = listener->get();
  absl::Notification stopped;
  raw->StartAccepting([&](std::unique_ptr<runtime::Socket>) {
    raw->Stop();
    stopped.Notify();
  });
  auto client = BlockingClient::Connect(raw->LocalAddress());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(stopped.WaitForNotificationWithTimeout(kEventTimeout));
  // The dropped socket is closed: the client sees the end.
  EXPECT_FALSE(client->ReadToEnd().timed_out);
}

// Collects log lines so the test can wait for "accept failed" without sleeping.
class LineSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  EventLog<std::string> lines;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines.Add(std::string(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}
};

// Runs out of file descriptors for real: the accept loop must log, back off (not spin),
// and accept the waiting connection once descriptors are available again.
TEST_F(ListenerTest, RunningOutOfDescriptorsBacksOffAndRecovers) {
#if defined(LIMINAL_ADDRESS_SANITIZER)
  // UBSan's vptr check needs free descriptors (it probes memory through a pipe) and reports
  // false "invalid vptr" errors without them. The sanitized build runs this test in
  // io_listener_descriptor_tests instead, an unsanitized build of this file (see CMakeLists).
  GTEST_SKIP() << "runs unsanitized in io_listener_descriptor_tests";
#endif
  auto sink = std::make_shared<LineSink>();
  spdlog::default_logger()->sinks().push_back(sink);
  ListenerOptions options;
  options.initial_backoff = absl::Milliseconds(5);
  options.max_backoff = absl::Milliseconds(80);
  auto listener = AsioListener::Bind(runtime_, {"127.0.0.1", 0}, options);
  ASSERT_TRUE(listener.ok());
  AcceptInto(**listener);

  // The client's socket must exist before descriptors run out, but connect only after:
  // otherwise the listener could accept it while it still can.
  BlockingClient client = BlockingClient::Unconnected();
  rlimit original{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
  rlimit low = original;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> hogs;
  for (;;) {
    const int fd = ::dup(STDERR_FILENO);
    if (fd < 0) break;
    hogs.push_back(fd);
  }
  ASSERT_EQ(errno, EMFILE);
  // Taken before the connect: the first failed accept may come before ConnectTo returns.
  const absl::Time exhausted_at = absl::Now();
  ASSERT_TRUE(client.ConnectTo((*listener)->LocalAddress()).ok());  // lands in the backlog

  // Three failed attempts, each logged: the loop retried after backing off.
  const bool logged = sink->lines.WaitForSize(3);
  const absl::Duration elapsed = absl::Now() - exhausted_at;
  const uint64_t errors = (*listener)->resource_errors();
  for (int fd : hogs) ::close(fd);
  ::setrlimit(RLIMIT_NOFILE, &original);
  ASSERT_TRUE(logged);
  ASSERT_TRUE(accepted_.WaitFor());  // recovered by itself on the next retry
  spdlog::default_logger()->sinks().pop_back();

  EXPECT_GE(errors, 3u);
  // Backed off (5, 10, 20ms, ...) instead of spinning: a spinning loop makes thousands of
  // attempts in the time three backed-off ones take.
  EXPECT_LE(errors, 3 + static_cast<uint64_t>(absl::ToInt64Milliseconds(elapsed) / 5));
  EXPECT_GE(elapsed, absl::Milliseconds(15));  // 5ms + 10ms of backoff before the third
  EXPECT_THAT(sink->lines.Snapshot()[0], HasSubstr("accept failed: Too many open files"));
  EXPECT_THAT(sink->lines.Snapshot()[0], HasSubstr("retrying in 5ms"));
}

}  // namespace
}  // namespace liminal::io
