// Durable channels end to end: the real liminald, killed with SIGKILL while four clients
// publish, restarted on the same persistence directory; a replay must return every
// acknowledged message, in message-id order, with no duplicate, and ids must continue.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/blocking_client.h"
#include "client/blocking_subscription.h"
#include "tests/e2e/support/daemon_process.h"
#include "tests/e2e/support/temp_dir.h"

namespace liminal::e2e {
namespace {

constexpr int kPublishers = 4;
constexpr int kAcksBeforeKill = 400;

class DurableE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TempDir> dir = TempDir::Create("durable-e2e");
    ASSERT_TRUE(dir.ok()) << dir.status();
    data_ = std::make_unique<TempDir>(*std::move(dir));
    // liminald requires persistence_path to exist (ConfigLoaderTest.PersistencePath*).
    absl::StatusOr<std::filesystem::path> data = data_->MakeDir("data");
    ASSERT_TRUE(data.ok()) << data.status();
  }

  // A config whose durable channel `orders` keeps its log in this test's directory, which
  // outlives every liminald the test starts.
  std::string Config(const std::string& fsync) const {
    return absl::StrCat(R"(listen_address = "127.0.0.1:7400"
health_listen_address = "127.0.0.1:7401"
persistence_path = ")",
                        (data_->path() / "data").string(), R"("

[[channels]]
name = "orders"
durable = true
fsync = ")",
                        fsync, R"("
segment_bytes = 65536
)");
  }

  std::unique_ptr<DaemonProcess> StartDaemon(const std::string& fsync) {
    DaemonProcessOptions options;
    options.config_toml = Config(fsync);
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon = DaemonProcess::Start(options);
    EXPECT_TRUE(daemon.ok()) << daemon.status();
    return daemon.ok() ? *std::move(daemon) : nullptr;
  }

  static std::unique_ptr<client::BlockingClient> Connect(const DaemonProcess& daemon) {
    absl::StatusOr<std::unique_ptr<client::BlockingClient>> client =
        client::BlockingClient::Connect(daemon.listen().host, daemon.listen().port, {});
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  // Publishes a marker, then replays `orders` from `from` (or the start) up to the marker.
  // Returns the payloads before it, and the marker's id.
  static std::pair<std::vector<std::string>, uint64_t> ReplayToMarker(
      const DaemonProcess& daemon, std::optional<uint64_t> from = std::nullopt) {
    std::unique_ptr<client::BlockingClient> client = Connect(daemon);
    if (client == nullptr) return {};
    absl::StatusOr<client::PublishResult> marker =
        client->Publish("orders", "marker", absl::Seconds(10));
    EXPECT_TRUE(marker.ok()) << marker.status();
    client::SubscribeOptions options;
    options.replay = true;
    options.replay_from = from;
    options.max_in_flight = 1024;
    absl::StatusOr<std::unique_ptr<client::BlockingSubscription>> sub =
        client->Subscribe("orders", absl::Seconds(10), options);
    EXPECT_TRUE(sub.ok()) << sub.status();
    std::vector<std::string> payloads;
    if (!sub.ok()) return {};
    while (true) {
      absl::StatusOr<client::Delivery> delivery = (*sub)->Next(absl::Seconds(10));
      if (!delivery.ok()) {
        ADD_FAILURE() << "replay stopped after " << payloads.size()
                      << " messages: " << delivery.status();
        break;
      }
      if (delivery->payload == "marker") break;
      payloads.push_back(delivery->payload);
    }
    return {payloads, marker.ok() ? marker->message_id : 0};
  }

  std::unique_ptr<TempDir> data_;
};

TEST_F(DurableE2eTest, EveryAcknowledgedMessageSurvivesSigkillInOrder) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon("always");
  ASSERT_NE(daemon, nullptr);

  std::mutex mu;
  std::condition_variable enough;
  std::map<uint64_t, std::string> acked;  // message id -> payload
  std::atomic<bool> stop{false};
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&, p] {
      std::unique_ptr<client::BlockingClient> client = Connect(*daemon);
      if (client == nullptr) return;
      for (int i = 0; !stop.load(); ++i) {
        std::string payload = absl::StrCat("p", p, "-", i);
        absl::StatusOr<client::PublishResult> ack =
            client->Publish("orders", payload, absl::Seconds(10));
        if (!ack.ok()) return;  // the server died: this one's fate is unknown
        std::lock_guard<std::mutex> lock(mu);
        const bool fresh = acked.emplace(ack->message_id, payload).second;
        EXPECT_TRUE(fresh) << "message id " << ack->message_id << " acknowledged twice";
        if (acked.size() >= kAcksBeforeKill) enough.notify_all();
      }
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(enough.wait_for(lock, std::chrono::seconds(60),
                                [&] { return acked.size() >= kAcksBeforeKill; }))
        << "only " << acked.size() << " acks";
  }
  ASSERT_TRUE(daemon->Signal(SIGKILL).ok());  // mid-stream: publishes are in flight
  stop = true;
  for (std::thread& t : publishers) t.join();
  absl::StatusOr<int> exit_code = daemon->WaitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, -SIGKILL);
  daemon.reset();

  std::unique_ptr<DaemonProcess> restarted = StartDaemon("always");
  ASSERT_NE(restarted, nullptr);
  auto [replayed, marker_id] = ReplayToMarker(*restarted);
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < replayed.size(); ++i) {
    EXPECT_TRUE(position.emplace(replayed[i], i).second) << replayed[i] << " replayed twice";
  }
  size_t last = 0;
  uint64_t last_id = 0;
  for (const auto& [id, payload] : acked) {
    auto it = position.find(payload);
    ASSERT_NE(it, position.end()) << "acknowledged message " << id << " (" << payload
                                  << ") is missing after the restart";
    if (last_id != 0) {
      EXPECT_GT(it->second, last) << payload << " (id " << id << ") replayed out of order";
    }
    last = it->second;
    last_id = id;
  }
  // Ids continue after the restart: never reused.
  EXPECT_GT(marker_id, acked.rbegin()->first);
  EXPECT_EQ(*restarted->Stop(), 0);
}

TEST_F(DurableE2eTest, GracefulShutdownFlushesANeverSyncedLog) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon("never");
  ASSERT_NE(daemon, nullptr);
  {
    std::unique_ptr<client::BlockingClient> client = Connect(*daemon);
    ASSERT_NE(client, nullptr);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(client->Publish("orders", absl::StrCat("m", i), absl::Seconds(10)).ok());
    }
  }
  EXPECT_EQ(*daemon->Stop(), 0);
  daemon.reset();
  std::unique_ptr<DaemonProcess> restarted = StartDaemon("never");
  ASSERT_NE(restarted, nullptr);
  auto [replayed, marker_id] = ReplayToMarker(*restarted);
  EXPECT_EQ(replayed.size(), 20u);
  EXPECT_EQ(marker_id, 21u);
  // Replay from an id starts there (and stops at the first marker, id 21).
  auto [tail, second_marker] = ReplayToMarker(*restarted, 19);
  EXPECT_THAT(tail, ::testing::ElementsAre("m18", "m19"));
  EXPECT_EQ(second_marker, 22u);
  EXPECT_EQ(*restarted->Stop(), 0);
}

TEST_F(DurableE2eTest, ANamedConsumerResumesAfterARestart) {
  std::unique_ptr<DaemonProcess> daemon = StartDaemon("always");
  ASSERT_NE(daemon, nullptr);
  {
    std::unique_ptr<client::BlockingClient> client = Connect(*daemon);
    ASSERT_NE(client, nullptr);
    for (int i = 1; i <= 6; ++i) {
      ASSERT_TRUE(client->Publish("orders", absl::StrCat("m", i), absl::Seconds(10)).ok());
    }
    client::SubscribeOptions options;
    options.consumer = "billing";
    options.ack_mode = client::AckMode::kManual;
    absl::StatusOr<std::unique_ptr<client::BlockingSubscription>> sub =
        client->Subscribe("orders", absl::Seconds(10), options);
    ASSERT_TRUE(sub.ok()) << sub.status();
    for (int i = 1; i <= 6; ++i) {
      absl::StatusOr<client::Delivery> delivery = (*sub)->Next(absl::Seconds(10));
      ASSERT_TRUE(delivery.ok()) << delivery.status();
      EXPECT_EQ(delivery->payload, absl::StrCat("m", i));
      if (i == 4) (*sub)->Ack(delivery->seq);  // m1..m4 acknowledged; m5, m6 not
    }
    client->Close();  // flushes the pending Accept
  }
  EXPECT_EQ(*daemon->Stop(), 0);  // the graceful shutdown saves consumer positions
  daemon.reset();

  std::unique_ptr<DaemonProcess> restarted = StartDaemon("always");
  ASSERT_NE(restarted, nullptr);
  std::unique_ptr<client::BlockingClient> client = Connect(*restarted);
  ASSERT_NE(client, nullptr);
  client::SubscribeOptions options;
  options.consumer = "billing";
  absl::StatusOr<std::unique_ptr<client::BlockingSubscription>> sub =
      client->Subscribe("orders", absl::Seconds(10), options);
  ASSERT_TRUE(sub.ok()) << sub.status();
  for (const char* want : {"m5", "m6"}) {
    absl::StatusOr<client::Delivery> delivery = (*sub)->Next(absl::Seconds(10));
    ASSERT_TRUE(delivery.ok()) << delivery.status();
    EXPECT_EQ(delivery->payload, want);
  }
  sub->reset();
  client.reset();
  EXPECT_EQ(*restarted->Stop(), 0);
}

}  // namespace
}  // namespace liminal::e2e
