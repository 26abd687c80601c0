// AsioSocket over real loopback TCP: echo, gathered writes, SocketDrained, pause/resume, the
// inbox limit,
// peer EOF and reset, Close flushing (and its bound), write failures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "io/runtime/asio_listener.h"
#include "io/runtime/asio_runtime.h"
#include "io/runtime/asio_socket.h"
#include "tests/unit/io/blocking_client.h"
#include "tests/unit/io/test_events.h"

namespace liminal::io {
namespace {

using runtime::Message;
using runtime::Pid;
using testing::BlockingClient;
using ::testing::HasSubstr;
using testing::kEventTimeout;
using testing::MakeLoopbackPair;

// What the owning process received, in order.
class SocketEvents {
 public:
  void Record(const Message& message) {
    absl::MutexLock lock(&mu_);
    if (const auto* data = std::get_if<runtime::SocketData>(&message)) {
      data_.append(data->bytes);
      kinds_.push_back("data");
    } else if (const auto* closed = std::get_if<runtime::SocketClosed>(&message)) {
      closed_.push_back(closed->reason);
      kinds_.push_back("closed");
    } else if (const auto* drained = std::get_if<runtime::SocketDrained>(&message)) {
      drained_.push_back(drained->queued_bytes);
      kinds_.push_back("drained");
    }
  }
  bool WaitForData(size_t bytes, absl::Duration timeout = kEventTimeout) {
    return Await([&] { return data_.size() >= bytes; }, timeout);
  }
  bool WaitForClosed(absl::Duration timeout = kEventTimeout) {
    return Await([&] { return !closed_.empty(); }, timeout);
  }
  bool WaitForDrained(size_t count, absl::Duration timeout = kEventTimeout) {
    return Await([&] { return drained_.size() >= count; }, timeout);
  }
  std::string data() const {
    absl::MutexLock lock(&mu_);
    return data_;
  }
  size_t data_size() const {
    absl::MutexLock lock(&mu_);
    return data_.size();
  }
  std::vector<absl::Status> closed() const {
    absl::MutexLock lock(&mu_);
    return closed_;
  }
  std::vector<size_t> drained() const {
    absl::MutexLock lock(&mu_);
    return drained_;
  }
  std::vector<std::string> kinds() const {
    absl::MutexLock lock(&mu_);
    return kinds_;
  }

 private:
  template <typename Fn>
  bool Await(Fn condition, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&condition), timeout);
  }
  mutable absl::Mutex mu_;
  std::string data_;
  std::vector<absl::Status> closed_;
  std::vector<size_t> drained_;
  std::vector<std::string> kinds_;
};

// Owns its socket, records what arrives, and optionally echoes (closing on SocketClosed).
// It never reports SocketData as Consumed: with a finite `inbox_limit` the test does.
class OwnerProcess final : public runtime::Process {
 public:
  OwnerProcess(std::unique_ptr<runtime::Socket> socket, std::shared_ptr<SocketEvents> events,
               bool echo, size_t inbox_limit = SIZE_MAX)
      : socket_(std::move(socket)),
        events_(std::move(events)),
        echo_(echo),
        inbox_limit_(inbox_limit) {}
  void OnStart(runtime::ProcessContext& ctx) override {
    socket_->StartReading(ctx.self(), inbox_limit_);
  }
  void OnMessage(runtime::ProcessContext&, Message& message) override {
    events_->Record(message);
    if (!echo_) return;
    if (auto* data = std::get_if<runtime::SocketData>(&message)) {
      socket_->Write(std::move(data->bytes));
    } else if (std::holds_alternative<runtime::SocketClosed>(message)) {
      socket_->Close();
    }
  }

 private:
  std::unique_ptr<runtime::Socket> socket_;
  std::shared_ptr<SocketEvents> events_;
  bool echo_;
  size_t inbox_limit_;
};

std::string Pattern(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return out;
}

class SocketTest : public ::testing::Test {
 protected:
  SocketTest() : runtime_({.scheduler_threads = 4}) {}
  ~SocketTest() override {
    runtime_.Stop();
    runtime_.Join();
  }

  // A server-side AsioSocket on one end of a fresh loopback connection, owned by a recording
  // process; the test keeps a raw pointer (valid until the runtime is joined).
  AsioSocket* MakeOwnedSocket(SocketOptions options = {}, bool echo = false,
                              size_t inbox_limit = SIZE_MAX) {
    testing::LoopbackPair pair = MakeLoopbackPair();
    boost::asio::ip::tcp::socket raw(runtime_.io_context());
    raw.assign(boost::asio::ip::tcp::v4(), pair.server_fd);
    auto socket = std::make_unique<AsioSocket>(runtime_.scheduler(), std::move(raw), options);
    AsioSocket* handle = socket.get();
    owner_ = runtime_.scheduler().Spawn(
        std::make_unique<OwnerProcess>(std::move(socket), events_, echo, inbox_limit),
        {.name = "owner"});
    // Also from the test thread, so the owner is known even before OnStart runs.
    handle->StartReading(owner_, inbox_limit);
    client_ = std::move(pair.client);
    return handle;
  }

  AsioRuntime runtime_;
  std::shared_ptr<SocketEvents> events_ = std::make_shared<SocketEvents>();
  Pid owner_ = runtime::kNoPid;
  BlockingClient client_{-1};
};

TEST_F(SocketTest, EchoesSmallAndLargePayloadsThroughAListener) {
  runtime_.Start();
  auto listener = AsioListener::Bind(runtime_, {"127.0.0.1", 0});
  ASSERT_TRUE(listener.ok()) << listener.status();
  testing::EventLog<std::string> peers;
  (*listener)->StartAccepting([&](std::unique_ptr<runtime::Socket> socket) {
    peers.Add(socket->PeerAddress());
    runtime_.scheduler().Spawn(std::make_unique<OwnerProcess>(std::move(socket), events_, true),
                               {.name = "echo"});
  });
  auto client = BlockingClient::Connect((*listener)->LocalAddress());
  ASSERT_TRUE(client.ok()) << client.status();

  ASSERT_TRUE(client->WriteAll("hello"));
  EXPECT_EQ(*client->ReadExactly(5), "hello");

  const std::string big = Pattern(4 << 20, 1);
  std::thread writer([&] { EXPECT_TRUE(client->WriteAll(big)); });
  absl::StatusOr<std::string> echoed = client->ReadExactly(big.size());
  writer.join();
  ASSERT_TRUE(echoed.ok()) << echoed.status();
  EXPECT_TRUE(*echoed == big);

  // The peer address is the client's end of the connection.
  sockaddr_in local{};
  socklen_t len = sizeof local;
  ASSERT_EQ(::getsockname(client->fd(), reinterpret_cast<sockaddr*>(&local), &len), 0);
  ASSERT_TRUE(peers.WaitForSize(1));
  EXPECT_EQ(peers.Snapshot()[0], "127.0.0.1:" + std::to_string(ntohs(local.sin_port)));

  // Orderly close from the client: SocketClosed{OK}, the echo process closes, client sees EOF.
  client->ShutdownWrite();
  ASSERT_TRUE(events_->WaitForClosed());
  EXPECT_TRUE(events_->closed()[0].ok());
  const BlockingClient::End end = client->ReadToEnd();
  EXPECT_TRUE(end.eof);
  EXPECT_TRUE(end.bytes.empty());
}

TEST_F(SocketTest, ReadingStopsWhileTheOwnerIsBehindItsInboxLimit) {
  runtime_.Start();
  constexpr size_t kLimit = 64 * 1024;
  constexpr size_t kOneRead = 68 * 1024;  // the 4 KiB read plus the 64 KiB follow-up
  AsioSocket* socket = MakeOwnedSocket({}, /*echo=*/false, kLimit);
  const std::string big = Pattern(16 << 20, 7);
  std::thread writer([&] { EXPECT_TRUE(client_.WriteAll(big)); });
  // The test thread is the only consumer: whenever it looks, what was delivered and not yet
  // consumed is within the limit plus one read, and every byte still arrives in the end.
  size_t consumed = 0;
  while (consumed < big.size()) {
    ASSERT_TRUE(events_->WaitForData(consumed + 1)) << "stalled after " << consumed << " bytes";
    const size_t delivered = events_->data_size();
    ASSERT_LE(delivered - consumed, kLimit + kOneRead);
    socket->Consumed(delivered - consumed);
    consumed = delivered;
  }
  writer.join();
  EXPECT_TRUE(events_->data() == big);
}

TEST_F(SocketTest, AWriteToAnIdleSocketGoesStraightToTheKernel) {
  // The runtime is not started: no strand handler can run, yet the bytes arrive, because a
  // Write with nothing queued sends from the calling thread.
  AsioSocket* socket = MakeOwnedSocket();
  socket->Write("hello");
  EXPECT_EQ(socket->QueuedBytes(), 0u);
  EXPECT_EQ(socket->write_batches(), 1u);
  absl::StatusOr<std::string> received = client_.ReadExactly(5);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(*received, "hello");
}

TEST_F(SocketTest, WritesQueuedBehindAFullKernelBufferGoOutAsOneGatheredBatch) {
  // The runtime is not started and the peer reads nothing: writes go to the kernel until it
  // refuses more, then queue; the first write handler gathers the whole queue into one
  // async_write.
  AsioSocket* socket = MakeOwnedSocket();
  std::string expected;
  constexpr size_t kLimit = 64 << 20;  // far beyond what loopback kernel buffers absorb
  for (uint32_t i = 0; socket->QueuedBytes() == 0; ++i) {
    ASSERT_LT(expected.size(), kLimit) << "the kernel never refused a write";
    std::string chunk = Pattern(64 * 1024, i);
    expected += chunk;
    socket->Write(std::move(chunk));
  }
  const uint64_t direct_batches = socket->write_batches();
  const size_t queued_before = socket->QueuedBytes();
  for (uint32_t i = 0; i < 100; ++i) {
    std::string chunk = Pattern(1024, i);
    expected += chunk;
    socket->Write(std::move(chunk));
  }
  socket->Write("");  // empty writes are ignored
  EXPECT_EQ(socket->QueuedBytes(), queued_before + 100 * 1024);
  runtime_.Start();
  absl::StatusOr<std::string> received = client_.ReadExactly(expected.size());
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_TRUE(*received == expected);
  ASSERT_TRUE(events_->WaitForDrained(1));
  EXPECT_EQ(socket->QueuedBytes(), 0u);
  EXPECT_EQ(socket->write_batches(), direct_batches + 1);
}

TEST_F(SocketTest, DrainedArrivesOnceASlowPeerCatchesUp) {
  runtime_.Start();
  AsioSocket* socket = MakeOwnedSocket();
  constexpr size_t kTotal = 64 << 20;  // far beyond what loopback kernel buffers absorb
  constexpr size_t kChunk = 64 << 10;
  for (size_t sent = 0; sent < kTotal; sent += kChunk) socket->Write(std::string(kChunk, 'q'));
  // The peer reads nothing yet, so most of it stays queued. (Small early cycles may already
  // have sent a SocketDrained, e.g. 128 KiB queued falling to 64 KiB as the first chunk is
  // written; none can fire for this backlog until the peer reads.)
  EXPECT_GT(socket->QueuedBytes(), kTotal / 2);
  const size_t before = events_->drained().size();
  absl::StatusOr<std::string> received = client_.ReadExactly(kTotal);
  ASSERT_TRUE(received.ok()) << received.status();
  ASSERT_TRUE(events_->WaitForDrained(before + 1));
  // Sent at or below half of the largest queue seen (at most kTotal).
  EXPECT_LE(events_->drained()[before], kTotal / 2);
}

TEST_F(SocketTest, PauseHoldsInputBackUntilResume) {
  runtime_.Start();
  AsioSocket* socket = MakeOwnedSocket();
  ASSERT_TRUE(client_.WriteAll("a"));
  ASSERT_TRUE(events_->WaitForData(1));

  socket->PauseReading();
  // Pausing with nothing queued reports the (empty) queue as drained at once.
  ASSERT_TRUE(events_->WaitForDrained(1));
  EXPECT_EQ(events_->drained()[0], 0u);
  ASSERT_TRUE(client_.WriteAll("bcd"));
  client_.ShutdownWrite();
  // Nothing may arrive while paused. (A negative check: a bounded wait that must time out.)
  EXPECT_FALSE(events_->WaitForData(2, absl::Milliseconds(150)));
  EXPECT_FALSE(events_->WaitForClosed(absl::ZeroDuration()));

  socket->ResumeReading();
  ASSERT_TRUE(events_->WaitForClosed());
  EXPECT_EQ(events_->data(), "abcd");
  EXPECT_TRUE(events_->closed()[0].ok());
  const std::vector<std::string> kinds = events_->kinds();
  EXPECT_EQ(kinds.back(), "closed");  // the end of input comes after every byte
}

TEST_F(SocketTest, PeerResetGivesSocketClosedWithAnError) {
  runtime_.Start();
  MakeOwnedSocket();
  ASSERT_TRUE(client_.WriteAll("x"));
  ASSERT_TRUE(events_->WaitForData(1));
  client_.Reset();
  ASSERT_TRUE(events_->WaitForClosed());
  const absl::Status reason = events_->closed()[0];
  EXPECT_EQ(reason.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(reason.message()), HasSubstr("reset"));
  EXPECT_EQ(events_->closed().size(), 1u);
}

TEST_F(SocketTest, CloseFlushesEverythingQueuedThenTheClientSeesEof) {
  runtime_.Start();
  AsioSocket* socket = MakeOwnedSocket();
  // Far more than the loopback kernel buffers hold, so most of it is still queued in the
  // socket (not in the kernel) when Close() is called.
  const std::string payload = Pattern(24 << 20, 7);
  socket->Write(payload);
  socket->Close();
  socket->Close();               // idempotent
  socket->Write("after close");  // a no-op
  const BlockingClient::End end = client_.ReadToEnd();
  EXPECT_TRUE(end.eof);
  EXPECT_FALSE(end.reset);
  EXPECT_TRUE(end.bytes == payload) << end.bytes.size() << " of " << payload.size() << " bytes";
}

TEST_F(SocketTest, NoMessagesAfterClose) {
  runtime_.Start();
  AsioSocket* socket = MakeOwnedSocket();
  ASSERT_TRUE(client_.WriteAll("before"));
  ASSERT_TRUE(events_->WaitForData(6));
  socket->Close();
  ASSERT_TRUE(client_.WriteAll("after"));
  client_.ShutdownWrite();
  const BlockingClient::End end = client_.ReadToEnd();  // our FIN: the close went through
  EXPECT_TRUE(end.eof);
  EXPECT_EQ(socket->QueuedBytes(), 0u);
  // Bytes and the EOF that arrived after Close were discarded, not delivered.
  EXPECT_FALSE(events_->WaitForClosed(absl::Milliseconds(100)));
  EXPECT_EQ(events_->data(), "before");
}

// A peer that never reads cannot hold a closing socket open past close_grace.
TEST_F(SocketTest, CloseGivesUpAfterTheGracePeriod) {
  runtime_.Start();
  SocketOptions options;
  options.close_grace = absl::Milliseconds(200);
  AsioSocket* socket = MakeOwnedSocket(options);
  client_.SetReceiveBuffer(4096);
  constexpr size_t kTotal = 32 << 20;
  for (size_t sent = 0; sent < kTotal; sent += 1 << 20) socket->Write(std::string(1 << 20, 'z'));
  const absl::Time closed_at = absl::Now();
  socket->Close();
  // Probe until the server end is really gone: once its descriptor is closed, our bytes are
  // answered with a reset (POLLERR/POLLHUP). Each probe waits on poll, not on a timer.
  bool torn_down = false;
  while (!torn_down && absl::Now() - closed_at < kEventTimeout) {
    ::send(client_.fd(), "p", 1, MSG_NOSIGNAL);
    pollfd p{client_.fd(), POLLRDHUP, 0};
    if (::poll(&p, 1, 20) > 0 && (p.revents & (POLLERR | POLLHUP)) != 0) torn_down = true;
  }
  const absl::Duration took = absl::Now() - closed_at;
  EXPECT_TRUE(torn_down);
  EXPECT_GE(took, absl::Milliseconds(200));
  EXPECT_LT(took, absl::Seconds(10));
  EXPECT_EQ(socket->QueuedBytes(), 0u);  // the unflushed rest was dropped
}

// While the owner is paused (waiting for SocketDrained), a write failing because the peer
// reset still ends input, so the owner is never left waiting forever.
TEST_F(SocketTest, WriteFailureEndsInputEvenWhilePaused) {
  runtime_.Start();
  AsioSocket* socket = MakeOwnedSocket();
  socket->PauseReading();
  ASSERT_TRUE(events_->WaitForDrained(1));
  client_.Reset();
  for (int i = 0; i < 200 && !events_->WaitForClosed(absl::Milliseconds(50)); ++i) {
    socket->Write(std::string(64 << 10, 'w'));
  }
  ASSERT_TRUE(events_->WaitForClosed(absl::ZeroDuration()));
  EXPECT_FALSE(events_->closed()[0].ok());
  EXPECT_EQ(events_->closed().size(), 1u);
  EXPECT_EQ(socket->QueuedBytes(), 0u);
  socket->Write("ignored after a failure");
  EXPECT_EQ(socket->QueuedBytes(), 0u);
}

TEST_F(SocketTest, ConnectReachesAListenerAndReportsFailures) {
  runtime_.Start();
  auto listener = AsioListener::Bind(runtime_, {"127.0.0.1", 0});
  ASSERT_TRUE(listener.ok());
  absl::Notification accepted;
  std::unique_ptr<runtime::Socket> server;
  (*listener)->StartAccepting([&](std::unique_ptr<runtime::Socket> s) {
    server = std::move(s);
    accepted.Notify();
  });
  absl::StatusOr<config::HostPort> address = config::ParseHostPort((*listener)->LocalAddress());
  ASSERT_TRUE(address.ok());
  auto client = AsioSocket::Connect(runtime_, *address);
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE(accepted.WaitForNotificationWithTimeout(kEventTimeout));

  const Pid pid = runtime_.scheduler().Spawn(
      std::make_unique<OwnerProcess>(std::move(*client), events_, false), {.name = "client"});
  (void)pid;
  server->Write("from server");
  ASSERT_TRUE(events_->WaitForData(11));
  EXPECT_EQ(events_->data(), "from server");

  (*listener)->Stop();
  auto refused = AsioSocket::Connect(runtime_, {"127.0.0.1", 1});
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("cannot connect to 127.0.0.1:1"));
}

}  // namespace
}  // namespace liminal::io
