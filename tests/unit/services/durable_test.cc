// Durable channels (server-behaviour.md §5) through the real services on the ManualRuntime
// and its in-memory disk: the ack follows the fsync, group commit, E_STORAGE on a failed
// write or fsync (nothing delivered, the key released, the log rewound), restarts that keep
// ids, messages and idempotency keys, replay with no gap and no duplicate at the seam,
// replay from an id, named consumers that resume across disconnects and crashes, the
// "interval" and "never" policies, and routing after the commit.
#include <deque>

#include "core/storage/channel_log.h"
#include "tests/unit/services/services_fixture.h"

namespace liminal::server::services::testing {
namespace {

using protocol::ReasonCode;

constexpr char kDir[] = "/data/orders";

class DurableTest : public ServicesTest {
 protected:
  DurableTest() {
    options_.channels.clear();
    options_.channels.push_back(Durable("orders", config::FsyncPolicy::kAlways));
    options_.channels.push_back(Channel("plain", 0x22));
  }

  static ChannelSpec Durable(std::string name, config::FsyncPolicy fsync) {
    ChannelSpec spec = Channel(name, 0x11);
    spec.durable = true;
    spec.storage.directory = "/data/" + name;
    spec.storage.fsync = fsync;
    spec.storage.fsync_interval = absl::Milliseconds(100);
    return spec;
  }

  // Holds every fsync (and other blocking work) until ReleaseSyncs().
  void HoldSyncs() {
    rt_.file_system().SetBlockingRunner(
        [this](absl::AnyInvocable<void() &&> work) { held_.push_back(std::move(work)); });
  }
  size_t ReleaseSyncs() {
    size_t ran = 0;
    while (!held_.empty()) {
      absl::AnyInvocable<void()&&> work = std::move(held_.front());
      held_.pop_front();
      std::move(work)();
      ++ran;
    }
    Run();
    return ran;
  }

  // Tears the services down (as a crash or a stop would) and starts them on the same disk.
  void Restart(bool crash) {
    supervisor_.reset();
    services_.reset();
    Run();
    if (crash) rt_.file_system().SimulateCrash();
    Start();
  }

  // Subscribes with REPLAY (and ACKS) and returns every payload delivered by Run().
  std::vector<std::string> ReplayAll(const Client& client, uint32_t stream,
                                     const std::string& channel) {
    client.Send(protocol::MakeFrame(protocol::Subscribe{channel, {}, 100000}, stream,
                                    protocol::kFlagAcks | protocol::kFlagReplay));
    Run();
    std::vector<Frame> frames = client.Take();
    EXPECT_FALSE(frames.empty());
    if (!frames.empty()) {
      EXPECT_EQ(TypeOf(frames[0]), FrameType::kSubscribeAck);
    }
    return Payloads(frames);
  }

  // Sends `subscribe` and returns the payloads delivered by Run().
  std::vector<std::string> Delivered(const Client& client, const Frame& subscribe) {
    client.Send(subscribe);
    Run();
    return Payloads(client.Take());
  }

  std::deque<absl::AnyInvocable<void() &&>> held_;
};

TEST_F(DurableTest, AckFollowsTheFsyncThatCoversTheMessage) {
  Start();
  HoldSyncs();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  publisher.Send(PublishFrame(1, "orders", "{\"n\":1}"));
  Run();
  EXPECT_TRUE(publisher.Take().empty()) << "acknowledged before the fsync";
  EXPECT_TRUE(subscriber.Take().empty()) << "delivered before the fsync";
  EXPECT_EQ(ReleaseSyncs(), 1u);
  std::vector<Frame> acks = publisher.Take();
  ASSERT_EQ(acks.size(), 1u);
  ExpectPublishAck(acks[0], 1, 1, true);
  EXPECT_EQ(Payloads(subscriber.Take()), std::vector<std::string>{"{\"n\":1}"});
  EXPECT_EQ(metrics_.durable_appends_total.Value(), 1u);
}

TEST_F(DurableTest, PublishesDuringAnFsyncShareTheNextOne) {
  Start();
  HoldSyncs();
  Client publisher = Connect();
  publisher.Send(PublishFrame(1, "orders", "{}"));
  Run();
  ASSERT_EQ(held_.size(), 1u);
  for (int i = 0; i < 5; ++i) publisher.Send(PublishFrame(1, "orders", "{}"));
  Run();
  EXPECT_EQ(held_.size(), 1u) << "a second fsync started while one was in flight";
  // The first fsync covers message 1; one more covers 2..6 (group commit).
  EXPECT_EQ(ReleaseSyncs(), 2u);
  std::vector<Frame> acks = publisher.Take();
  ASSERT_EQ(acks.size(), 6u);
  for (size_t i = 0; i < acks.size(); ++i) ExpectPublishAck(acks[i], 1, i + 1, false);
}

TEST_F(DurableTest, AFailedFsyncAnswersEStorageAndNothingIsDeliveredOrKept) {
  std::vector<std::string> reports;  // what the operator's log says
  options_.storage_report = [&](const std::string& message) { reports.push_back(message); };
  Start();
  HoldSyncs();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "orders");
  publisher.Send(PublishFrame(1, "orders", "{\"n\":1}"));
  Run();
  ReleaseSyncs();
  ExpectPublishAck(publisher.Take().at(0), 1, 1, true);
  subscriber.Take();

  publisher.Send(PublishFrame(3, "orders", "{\"n\":2}", "key"));
  publisher.Send(PublishFrame(5, "orders", "{\"n\":3}"));
  Run();
  rt_.file_system().FailWrites(absl::DataLossError("EIO"));
  ReleaseSyncs();
  std::vector<Frame> answers = publisher.Take();
  ASSERT_EQ(answers.size(), 2u);
  ExpectError<protocol::PublishError>(answers[0], FrameType::kPublishError, 3, ReasonCode::kStorage,
                                      "could not store the message: EIO");
  ExpectError<protocol::PublishError>(answers[1], FrameType::kPublishError, 5, ReasonCode::kStorage,
                                      "EIO");
  EXPECT_TRUE(subscriber.Take().empty());
  EXPECT_EQ(metrics_.durable_append_errors_total.Value(), 1u);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0],
            "durable channel 'orders': fsync failed: EIO; 2 waiting publish(es) answered "
            "E_STORAGE");

  // The disk recovers: the channel serves again, the key was released, and the failed
  // messages are gone from the log (a restart replays only what was acknowledged).
  rt_.file_system().FailWrites(absl::OkStatus());
  publisher.Send(PublishFrame(7, "orders", "{\"n\":4}", "key"));
  Run();
  ReleaseSyncs();
  std::vector<Frame> again = publisher.Take();
  ASSERT_EQ(again.size(), 1u);
  ExpectPublishAck(again[0], 7, 2, true);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1],
            "durable channel 'orders': its log works again after 1 failed write(s) or fsync(s)");
  EXPECT_EQ(Payloads(subscriber.Take()), std::vector<std::string>{"{\"n\":4}"});
  Restart(/*crash=*/true);
  Client reader = Connect("10.0.0.3:4000");
  EXPECT_EQ(ReplayAll(reader, 1, "orders"), (std::vector<std::string>{"{\"n\":1}", "{\"n\":4}"}));
}

TEST_F(DurableTest, AFailedWriteAnswersAtOnce) {
  Start();
  Client publisher = Connect();
  rt_.file_system().FailWrites(absl::ResourceExhaustedError("disk full: /data/orders"));
  ExpectError<protocol::PublishError>(Publish(publisher, 1, "orders", "{}"),
                                      FrameType::kPublishError, 1, ReasonCode::kStorage,
                                      "disk full");
  rt_.file_system().FailWrites(absl::OkStatus());
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}"), 1, 1, false);
}

TEST_F(DurableTest, ARestartKeepsIdsMessagesAndIdempotencyKeys) {
  Start();
  Client publisher = Connect();
  ExpectPublishAck(Publish(publisher, 1, "orders", "{\"n\":1}", "k1"), 1, 1, false);
  ExpectPublishAck(Publish(publisher, 1, "orders", "{\"n\":2}"), 1, 2, false);
  Restart(/*crash=*/true);
  Client again = Connect();
  ExpectPublishAck(Publish(again, 1, "orders", "{\"n\":3}"), 1, 3, false);
  // Still inside the window: a duplicate, answered with the original id.
  ExpectPublishAck(Publish(again, 1, "orders", "{\"n\":1}", "k1"), 1, 1, false);
  EXPECT_EQ(ReplayAll(again, 3, "orders"),
            (std::vector<std::string>{"{\"n\":1}", "{\"n\":2}", "{\"n\":3}"}));
}

TEST_F(DurableTest, ReplayThenLiveWithNoGapAndNoDuplicateAtTheSeam) {
  options_.max_subscription_inbox_depth = 8;  // the replay needs several refills
  Start();
  Client publisher = Connect();
  PublishMany(publisher, "orders", 50);
  Client reader = Connect("10.0.0.2:4000");
  reader.Send(protocol::MakeFrame(protocol::Subscribe{"orders", {}, 100000}, 1,
                                  protocol::kFlagAcks | protocol::kFlagReplay));
  // Publishes race the replay: they reach the queue between refills.
  std::vector<std::string> got;
  for (int i = 51; i <= 60; ++i) {
    publisher.Send(PublishFrame(1, "orders", "m" + std::to_string(i)));
    rt_.RunOne();
    rt_.RunOne();
    for (const std::string& p : Payloads(reader.Take())) got.push_back(p);
  }
  Run();
  for (const std::string& p : Payloads(reader.Take())) got.push_back(p);
  std::vector<std::string> want;
  for (int i = 1; i <= 60; ++i) want.push_back("m" + std::to_string(i));
  EXPECT_EQ(got, want);
  EXPECT_EQ(SubscriptionsGauge(), 1);
}

TEST_F(DurableTest, ReplayFromAMessageId) {
  Start();
  Client publisher = Connect();
  PublishMany(publisher, "orders", 10);
  Client reader = Connect("10.0.0.2:4000");
  EXPECT_EQ(ReplayAll(reader, 1, "orders?from=8"), (std::vector<std::string>{"m8", "m9", "m10"}));
  // Without the REPLAY flag the query still means "replay from"; then live.
  reader.Send(SubscribeFrame(3, "orders?from=10"));
  Run();
  PublishMany(publisher, "orders", 1, 11);
  std::vector<std::string> on_stream_3;
  for (const Frame& frame : OfType(reader.Take(), FrameType::kDeliver)) {
    if (frame.stream_id == 3) on_stream_3.push_back(Payloads({frame})[0]);
  }
  EXPECT_EQ(on_stream_3, (std::vector<std::string>{"m10", "m11"}));
}

TEST_F(DurableTest, ReplayQueriesThatCannotBeServedAreRefused) {
  Start();
  Client reader = Connect();
  reader.Send(SubscribeFrame(1, "orders?from=zero"));
  reader.Send(SubscribeFrame(3, "orders?start=1"));
  reader.Send(SubscribeFrame(5, "plain?from=1"));
  reader.Send(SubscribeFrame(7, "nope?from=1"));
  Run();
  std::vector<Frame> frames = reader.Take();
  ASSERT_EQ(frames.size(), 4u);
  ExpectError<protocol::SubscribeError>(frames[0], FrameType::kSubscribeError, 1,
                                        ReasonCode::kUnknownChannel, "is not a message id");
  ExpectError<protocol::SubscribeError>(frames[1], FrameType::kSubscribeError, 3,
                                        ReasonCode::kUnknownChannel,
                                        "unknown subscribe parameter 'start'");
  ExpectError<protocol::SubscribeError>(frames[2], FrameType::kSubscribeError, 5,
                                        ReasonCode::kUnknownChannel, "'plain' is not durable");
  ExpectError<protocol::SubscribeError>(frames[3], FrameType::kSubscribeError, 7,
                                        ReasonCode::kUnknownChannel, "'nope' is not configured");
}

TEST_F(DurableTest, ReplayFlagOnAnEphemeralChannelIsLiveOnly) {
  Start();
  Client publisher = Connect();
  PublishMany(publisher, "plain", 3);
  Client reader = Connect("10.0.0.2:4000");
  EXPECT_TRUE(ReplayAll(reader, 1, "plain").empty());
  PublishMany(publisher, "plain", 1, 4);
  EXPECT_EQ(Payloads(reader.Take()), std::vector<std::string>{"m4"});
}

TEST_F(DurableTest, IntervalAcknowledgesAfterTheWriteAndSyncsWithinTheInterval) {
  options_.channels[0] = Durable("orders", config::FsyncPolicy::kInterval);
  Start();
  HoldSyncs();
  Client publisher = Connect();
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}"), 1, 1, false);
  EXPECT_TRUE(held_.empty());
  rt_.AdvanceTime(absl::Milliseconds(100));
  EXPECT_EQ(ReleaseSyncs(), 1u);
  rt_.file_system().SimulateCrash();  // synced: survives
  Restart(/*crash=*/false);
  Client reader = Connect();
  EXPECT_EQ(ReplayAll(reader, 1, "orders"), std::vector<std::string>{"{}"});
}

TEST_F(DurableTest, NeverSyncsOnlyOnFlush) {
  options_.channels[0] = Durable("orders", config::FsyncPolicy::kNever);
  Start();
  HoldSyncs();
  Client publisher = Connect();
  ExpectPublishAck(Publish(publisher, 1, "orders", "{}"), 1, 1, false);
  rt_.AdvanceTime(absl::Seconds(10));
  EXPECT_TRUE(held_.empty());
  ASSERT_TRUE(services_->FlushDurableState().ok());
  rt_.file_system().SimulateCrash();
  Restart(/*crash=*/false);
  Client reader = Connect();
  EXPECT_EQ(ReplayAll(reader, 1, "orders"), std::vector<std::string>{"{}"});
}

TEST_F(DurableTest, RoutingFromADurableChannelFollowsTheCommit) {
  options_.routes.push_back(Route("orders", "plain"));
  Start();
  HoldSyncs();
  Client publisher = Connect();
  Client subscriber = Connect("10.0.0.2:4000");
  Subscribe(subscriber, 1, "plain");
  publisher.Send(PublishFrame(1, "orders", "{\"n\":1}"));
  Run();
  EXPECT_TRUE(subscriber.Take().empty()) << "routed before the commit";
  ReleaseSyncs();
  EXPECT_EQ(Payloads(subscriber.Take()), std::vector<std::string>{"{\"n\":1}"});
}

TEST_F(DurableTest, ANamedConsumerResumesAfterItsLastAcknowledgedMessage) {
  Start();
  Client publisher = Connect();
  PublishMany(publisher, "orders", 5);
  {
    Client consumer = Connect("10.0.0.2:4000");
    EXPECT_EQ(Delivered(consumer, SubscribeFrame(1, "orders?consumer=billing")),
              (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5"}));
    // A second subscription under the same name is refused while this one lives.
    Client other = Connect("10.0.0.3:4000");
    other.Send(SubscribeFrame(1, "orders?consumer=billing"));
    Run();
    std::vector<Frame> refused = other.Take();
    ASSERT_EQ(refused.size(), 1u);
    ExpectError<protocol::SubscribeError>(refused[0], FrameType::kSubscribeError, 1,
                                          ReasonCode::kInvalidStateTransition,
                                          "consumer 'billing' of channel 'orders' is already");
    consumer.Send(AcceptFrame(1, "3"));
    Run();
    consumer.peer->Close();
    Run();
  }
  // m4 and m5 were delivered but never acknowledged: they come again, then live messages.
  Client again = Connect("10.0.0.4:4000");
  again.Send(SubscribeFrame(1, "orders?consumer=billing"));
  Run();
  PublishMany(publisher, "orders", 1, 6);
  EXPECT_EQ(Payloads(again.Take()), (std::vector<std::string>{"m4", "m5", "m6"}));
  // Another consumer name has its own position: from the start (or `from`).
  Client fresh = Connect("10.0.0.5:4000");
  EXPECT_EQ(Delivered(fresh, SubscribeFrame(1, "orders?consumer=audit&from=5")),
            (std::vector<std::string>{"m5", "m6"}));
}

TEST_F(DurableTest, ANamedConsumerPositionSurvivesACrash) {
  Start();
  Client publisher = Connect();
  PublishMany(publisher, "orders", 4);
  Client consumer = Connect("10.0.0.2:4000");
  EXPECT_EQ(Delivered(consumer, SubscribeFrame(1, "orders?consumer=billing")).size(), 4u);
  consumer.Send(AcceptFrame(1, "2"));
  Run();
  rt_.AdvanceTime(Channel::kConsumerSaveDelay);  // the position is saved (and fsynced)
  Restart(/*crash=*/true);
  Client again = Connect("10.0.0.3:4000");
  EXPECT_EQ(Delivered(again, SubscribeFrame(1, "orders?consumer=billing")),
            (std::vector<std::string>{"m3", "m4"}));
}

TEST_F(DurableTest, AConsumerWithoutAcksAdvancesAsMessagesAreWritten) {
  Start();
  Client publisher = Connect();
  PublishMany(publisher, "orders", 3);
  {
    Client consumer = Connect("10.0.0.2:4000");
    EXPECT_EQ(Delivered(consumer, ReferenceSubscribeFrame(1, "orders?consumer=sdk")).size(), 3u);
    consumer.peer->Close();
    Run();
  }
  PublishMany(publisher, "orders", 1, 4);
  Client again = Connect("10.0.0.3:4000");
  EXPECT_EQ(Delivered(again, ReferenceSubscribeFrame(1, "orders?consumer=sdk")),
            std::vector<std::string>{"m4"});
}

TEST_F(DurableTest, OldSegmentsAreDroppedByAgeEvenWithoutNewPublishes) {
  options_.channels[0].storage.segment_bytes = 256;  // a few messages per segment
  options_.channels[0].storage.retention.max_age = absl::Seconds(10);
  Start();
  Client publisher = Connect();
  PublishMany(publisher, "orders", 30);
  rt_.AdvanceTime(absl::Seconds(5));
  PublishMany(publisher, "orders", 1, 31);  // newer than the rest: its segment stays
  rt_.AdvanceTime(absl::Seconds(7));        // m1..m30 are 12 s old now; m31 7 s
  Run();
  EXPECT_THAT(metrics_.RenderPrometheusText(),
              ::testing::Not(::testing::HasSubstr(
                  "liminal_durable_segments_dropped_total{channel=\"orders\"} 0\n")));
  Client reader = Connect("10.0.0.2:4000");
  std::vector<std::string> kept = ReplayAll(reader, 1, "orders");
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.back(), "m31");
  EXPECT_LT(kept.size(), 31u) << "nothing was dropped";
  // A replay from an id that is gone starts at the oldest message kept.
  Client from_start = Connect("10.0.0.3:4000");
  EXPECT_EQ(ReplayAll(from_start, 1, "orders?from=1"), kept);
}

TEST_F(DurableTest, AnUnopenableLogFailsStartupNamingTheChannel) {
  rt_.file_system().FailWrites(absl::PermissionDeniedError("open /data/orders: denied"));
  absl::StatusOr<std::unique_ptr<LiminalServices>> services =
      LiminalServices::Create(rt_, options_);
  ASSERT_FALSE(services.ok());
  EXPECT_NE(services.status().message().find("durable channel 'orders'"), std::string::npos)
      << services.status();
}

}  // namespace
}  // namespace liminal::server::services::testing
