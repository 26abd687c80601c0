// The simulated network: bytes arrive in order however they are chunked, after their
// latency; a half-close delivers EOF after the data, a reset an error; a server close
// flushes before EOF; a small client window makes the server's queue grow until the
// client reads (then SocketDrained); the accept delay and Stop() refuse late connections.
#include <memory>
#include <string>
#include <variant>

#include "gtest/gtest.h"
#include "sim/net/sim_network.h"
#include "sim/runtime/sim_runtime.h"
#include "tests/sim/models/null_observer.h"

namespace liminal::sim {
namespace {

struct ServerLog {
  std::string data;
  int pieces = 0;
  absl::Time first_data_at = absl::InfiniteFuture();
  bool closed = false;
  bool close_ok = false;
  int drained = 0;
  size_t queued_after_write = 0;
};

// The server side of one connection: reads everything, optionally writes a greeting.
class Endpoint final : public runtime::Process {
 public:
  Endpoint(std::unique_ptr<runtime::Socket> socket, ServerLog& log, FiberKernel& kernel,
           std::string greeting, bool close_after_greeting)
      : socket_(std::move(socket)),
        log_(log),
        kernel_(kernel),
        greeting_(std::move(greeting)),
        close_after_greeting_(close_after_greeting) {}

  void OnStart(runtime::ProcessContext& ctx) override {
    socket_->StartReading(ctx.self(), /*inbox_limit=*/1 << 20);
    if (!greeting_.empty()) {
      socket_->Write(greeting_);
      log_.queued_after_write = socket_->QueuedBytes();
    }
    if (close_after_greeting_) {
      socket_->Close();
      ctx.Exit(runtime::ExitReason::Normal());
    }
  }
  void OnMessage(runtime::ProcessContext& ctx, runtime::Message& message) override {
    if (auto* data = std::get_if<runtime::SocketData>(&message)) {
      if (log_.pieces++ == 0) log_.first_data_at = kernel_.Now();
      log_.data += data->bytes;
      socket_->Consumed(data->bytes.size());
    } else if (auto* closed = std::get_if<runtime::SocketClosed>(&message)) {
      log_.closed = true;
      log_.close_ok = closed->reason.ok();
      ctx.Exit(runtime::ExitReason::Normal());
    } else if (std::holds_alternative<runtime::SocketDrained>(message)) {
      ++log_.drained;
    }
  }

 private:
  std::unique_ptr<runtime::Socket> socket_;
  ServerLog& log_;
  FiberKernel& kernel_;
  std::string greeting_;
  bool close_after_greeting_;
};

struct World {
  explicit World(uint64_t seed)
      : kernel(MakeStrategy(StrategyKind::kRandom, seed), trace),
        runtime(kernel, seed),
        network(kernel, runtime.scheduler(), seed) {}

  void Listen(std::string greeting = "", bool close_after_greeting = false) {
    network.listener().StartAccepting(
        [this, greeting, close_after_greeting](std::unique_ptr<runtime::Socket> socket) {
          runtime.scheduler().Spawn(std::make_unique<Endpoint>(std::move(socket), log, kernel,
                                                               greeting, close_after_greeting),
                                    {.name = "endpoint"});
        });
  }
  KernelStop Run() {
    NullObserver observer;
    return kernel.Run(observer, {});
  }

  Trace trace;
  FiberKernel kernel;
  SimRuntime runtime;
  SimNetwork network;
  ServerLog log;
};

TEST(SimNetworkTest, ChunkedBytesArriveInOrderAndReassemble) {
  const std::string message = "the quick brown fox jumps over the lazy dog";
  int split_runs = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    World w(seed);
    w.Listen();
    w.kernel.Spawn("client", [&] {
      ConnectionParams params;
      params.client_to_server.max_chunk = 1;
      params.client_to_server.jitter = absl::Microseconds(50);
      const ConnId conn = w.network.Connect(params);
      w.network.Write(conn, message.substr(0, 10));
      w.network.Write(conn, message.substr(10));
      w.network.ShutdownWrite(conn);
      w.kernel.SleepFor(absl::Milliseconds(10));  // accepted long before
      w.network.listener().Stop();
    });
    ASSERT_EQ(w.Run(), KernelStop::kQuiescent);
    EXPECT_EQ(w.log.data, message) << "seed " << seed;
    EXPECT_TRUE(w.log.closed && w.log.close_ok);
    if (w.log.pieces > 1) ++split_runs;
  }
  EXPECT_GT(split_runs, 10) << "1-byte chunks should usually arrive in several reads";
}

TEST(SimNetworkTest, LatencyDelaysDelivery) {
  World w(1);
  w.Listen();
  w.kernel.Spawn("client", [&] {
    ConnectionParams params;
    params.client_to_server.latency = absl::Milliseconds(3);
    const ConnId conn = w.network.Connect(params);
    w.network.Write(conn, "ping");
    w.network.ShutdownWrite(conn);
    w.kernel.SleepFor(absl::Milliseconds(10));
    w.network.listener().Stop();
  });
  w.Run();
  EXPECT_EQ(w.log.data, "ping");
  EXPECT_EQ(w.log.first_data_at - w.kernel.start(), absl::Milliseconds(3));
}

TEST(SimNetworkTest, ResetDeliversAnErrorAndDropsWhatWasInFlight) {
  World w(2);
  w.Listen();
  w.kernel.Spawn("client", [&] {
    ConnectionParams params;
    params.client_to_server.latency = absl::Milliseconds(1);
    const ConnId conn = w.network.Connect(params);
    w.kernel.SleepFor(absl::Milliseconds(5));  // accepted and reading by now
    w.network.Write(conn, "lost");
    w.network.Reset(conn);
    EXPECT_TRUE(w.network.Read(conn).reset);
    w.network.listener().Stop();
  });
  ASSERT_EQ(w.Run(), KernelStop::kQuiescent);
  EXPECT_TRUE(w.log.closed);
  EXPECT_FALSE(w.log.close_ok);
  EXPECT_EQ(w.log.data, "");
}

TEST(SimNetworkTest, ServerCloseFlushesBeforeEof) {
  World w(3);
  w.Listen("goodbye", /*close_after_greeting=*/true);
  std::string received;
  bool eof = false;
  w.kernel.Spawn("client", [&] {
    ConnectionParams params;
    params.server_to_client.max_chunk = 2;
    const ConnId conn = w.network.Connect(params);
    for (;;) {
      ClientReadResult r = w.network.Read(conn);
      received += r.bytes;
      if (r.eof || r.reset) {
        eof = r.eof;
        break;
      }
    }
    w.network.listener().Stop();
  });
  w.Run();
  EXPECT_EQ(received, "goodbye");
  EXPECT_TRUE(eof);
}

TEST(SimNetworkTest, SmallWindowQueuesOnTheServerUntilTheClientReads) {
  World w(4);
  const std::string big(100, 'z');
  w.Listen(big);
  std::string received;
  w.kernel.Spawn("client", [&] {
    ConnectionParams params;
    params.window = 4;
    const ConnId conn = w.network.Connect(params);
    while (received.size() < big.size()) {
      w.kernel.SleepFor(absl::Microseconds(100));
      received += w.network.Read(conn).bytes;
    }
    w.network.ShutdownWrite(conn);
    w.network.listener().Stop();
  });
  ASSERT_EQ(w.Run(), KernelStop::kQuiescent);
  EXPECT_EQ(w.log.queued_after_write, 96u);
  EXPECT_EQ(received, big);
  EXPECT_GE(w.log.drained, 1);
}

TEST(SimNetworkTest, StopRefusesConnectionsStillWaitingForAccept) {
  World w(5);
  w.Listen();
  bool refused = false;
  w.kernel.Spawn("client", [&] {
    ConnectionParams params;
    params.accept_delay = absl::Milliseconds(5);
    const ConnId conn = w.network.Connect(params);
    refused = w.network.Read(conn).reset;
    EXPECT_FALSE(w.network.accepted(conn));
  });
  w.kernel.Spawn("stopper", [&] {
    w.kernel.SleepFor(absl::Milliseconds(1));
    w.network.listener().Stop();
  });
  ASSERT_EQ(w.Run(), KernelStop::kQuiescent);
  EXPECT_TRUE(refused);
  EXPECT_EQ(w.runtime.scheduler().SpawnedPids().size(), 0u);
}

}  // namespace
}  // namespace liminal::sim
