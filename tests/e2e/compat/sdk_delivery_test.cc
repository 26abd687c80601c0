// Delivery as the reference Rust SDK (liminal-sdk 0.2.3) uses it, against the real liminald
// (reference-compat.md §1, §2): the SDK never acknowledges deliveries (Subscribe flags 0,
// max_in_flight 1024), puts every subscription on stream 1, reads frames in order on a shared
// connection, and publishes payloads of several MiB. Clients are raw sockets that send
// exactly what the SDK sends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/protocol/frame_type.h"
#include "tests/e2e/compat/compat_test_util.h"

namespace liminal::e2e::compat {
namespace {

using ::testing::UnorderedElementsAre;

constexpr int kManyMessages = 5000;

std::string NumberedPayload(int n) { return absl::StrCat("message-", n); }

class SdkDeliveryTest : public ::testing::Test {
 protected:
  void Start(std::string config = std::string(kReferenceConfig)) {
    absl::StatusOr<std::unique_ptr<DaemonProcess>> daemon =
        StartReference(std::move(config), ReferenceFiles());
    ASSERT_TRUE(daemon.ok()) << daemon.status();
    daemon_ = *std::move(daemon);
  }

  std::optional<RawClient> Client() {
    absl::StatusOr<RawClient> client = SdkConnect(*daemon_);
    EXPECT_TRUE(client.ok()) << client.status();
    if (!client.ok()) return std::nullopt;
    return *std::move(client);
  }

  std::unique_ptr<DaemonProcess> daemon_;
};

// Where two payloads first differ, without printing megabytes.
std::string FirstDifference(const std::string& got, const std::string& want) {
  if (got == want) return "identical";
  const auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  return absl::StrCat("got ", got.size(), " bytes, want ", want.size(), "; first difference at ",
                      g - got.begin());
}

TEST_F(SdkDeliveryTest, SubscriberThatNeverAcknowledgesReceivesEveryMessageInOrder) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::optional<RawClient> subscriber = Client();
  std::optional<RawClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);
  absl::StatusOr<protocol::SubscribeAck> subscribed = SdkSubscribe(*subscriber, "events");
  ASSERT_TRUE(subscribed.ok()) << subscribed.status();

  // The publisher pipelines a window of publishes and reads their acks; the subscriber then
  // reads what the window delivered. It never sends Accept: past max_in_flight (1024), only a
  // server that gates on credit would stop delivering.
  constexpr int kWindow = 100;
  uint64_t last_message_id = 0;
  uint64_t next_seq = 1;
  for (int published = 0; published < kManyMessages; published += kWindow) {
    const int batch = std::min(kWindow, kManyMessages - published);
    for (int i = 1; i <= batch; ++i) {
      ASSERT_TRUE(
          SendPublish(*publisher, "events", MakeEnvelope(NumberedPayload(published + i))).ok());
    }
    for (int i = 1; i <= batch; ++i) {
      absl::StatusOr<protocol::PublishAck> ack = NextAs<protocol::PublishAck>(*publisher);
      ASSERT_TRUE(ack.ok()) << "publish " << published + i << ": " << ack.status();
      ASSERT_GT(ack->message_id, last_message_id);
      last_message_id = ack->message_id;
    }
    for (int i = 1; i <= batch; ++i, ++next_seq) {
      absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*subscriber);
      ASSERT_TRUE(deliver.ok()) << "after " << next_seq - 1
                                << " deliveries (none acknowledged): " << deliver.status();
      ASSERT_EQ(deliver->delivery_seq, next_seq);
      ASSERT_EQ(deliver->envelope.payload, NumberedPayload(static_cast<int>(next_seq)));
    }
  }
  EXPECT_EQ(next_seq - 1, static_cast<uint64_t>(kManyMessages));
}

TEST_F(SdkDeliveryTest, TwoSubscriptionsOnStreamOneAreBothAckedAndBothDeliver) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::optional<RawClient> subscriber = Client();
  std::optional<RawClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);

  absl::StatusOr<protocol::SubscribeAck> events = SdkSubscribe(*subscriber, "events");
  ASSERT_TRUE(events.ok()) << "first Subscribe on stream 1: " << events.status();
  absl::StatusOr<protocol::SubscribeAck> notes = SdkSubscribe(*subscriber, "notes");
  ASSERT_TRUE(notes.ok()) << "second Subscribe on stream 1: " << notes.status();
  EXPECT_NE(events->subscription_id, notes->subscription_id);

  ASSERT_TRUE(SdkPublish(*publisher, "events", "to-events").ok());
  ASSERT_TRUE(SdkPublish(*publisher, "notes", "to-notes").ok());
  std::vector<std::string> delivered;
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*subscriber);
    ASSERT_TRUE(deliver.ok()) << "delivery " << i + 1 << " of 2: " << deliver.status();
    delivered.push_back(deliver->envelope.payload);
  }
  EXPECT_THAT(delivered, UnorderedElementsAre("to-events", "to-notes"));
}

TEST_F(SdkDeliveryTest, SameChannelSubscribedTwiceOnStreamOneDeliversOncePerSubscription) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::optional<RawClient> subscriber = Client();
  std::optional<RawClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);

  absl::StatusOr<protocol::SubscribeAck> first = SdkSubscribe(*subscriber, "events");
  ASSERT_TRUE(first.ok()) << "first Subscribe on stream 1: " << first.status();
  absl::StatusOr<protocol::SubscribeAck> second = SdkSubscribe(*subscriber, "events");
  ASSERT_TRUE(second.ok()) << "second Subscribe on stream 1: " << second.status();
  EXPECT_NE(first->subscription_id, second->subscription_id);

  ASSERT_TRUE(SdkPublish(*publisher, "events", "twice").ok());
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*subscriber);
    ASSERT_TRUE(deliver.ok()) << "delivery " << i + 1 << " of 2: " << deliver.status();
    EXPECT_EQ(deliver->envelope.payload, "twice");
  }
}

TEST_F(SdkDeliveryTest, FourMebibytePublishIsAckedAndDeliveredIntactByDefault) {
  ASSERT_NO_FATAL_FAILURE(Start());  // no max_frame_bytes: the default is 16 MiB
  std::optional<RawClient> subscriber = Client();
  std::optional<RawClient> publisher = Client();
  ASSERT_TRUE(subscriber && publisher);
  ASSERT_TRUE(SdkSubscribe(*subscriber, "events").ok());

  const std::string big = PatternedPayload(4 * 1024 * 1024);
  absl::StatusOr<uint64_t> ack = SdkPublish(*publisher, "events", big);
  ASSERT_TRUE(ack.ok()) << "4 MiB publish: " << ack.status();
  absl::StatusOr<protocol::Deliver> deliver = NextAs<protocol::Deliver>(*subscriber);
  ASSERT_TRUE(deliver.ok()) << deliver.status();
  EXPECT_EQ(deliver->delivery_seq, 1u);
  EXPECT_TRUE(deliver->envelope.payload == big) << FirstDifference(deliver->envelope.payload, big);
}

// The limit stays configurable ([limits] max_frame_bytes) and is applied to the header alone:
// only the 10 header bytes are sent, announcing a payload over the limit.
TEST_F(SdkDeliveryTest, FrameOverTheLimitIsStillRefusedFromItsHeaderAlone) {
  auto header_only = [](uint32_t payload_length) {
    return HeaderBytes(static_cast<uint8_t>(protocol::FrameType::kPublish), 0, kSdkStream,
                       payload_length);
  };
  struct Case {
    std::string name;
    std::string config;
    uint32_t payload_length;
  };
  const Case cases[] = {
      {"default limit (16 MiB)", std::string(kReferenceConfig), 16 * 1024 * 1024 + 1},
      {"[limits] max_frame_bytes = 1 MiB",
       absl::StrCat(kReferenceConfig, "\n[limits]\nmax_frame_bytes = 1048576\n"), 2 * 1024 * 1024},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_NO_FATAL_FAILURE(Start(c.config));
    std::optional<RawClient> client = Client();
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->SendBytes(header_only(c.payload_length)).ok());
    absl::StatusOr<protocol::ConnectError> refused = client->NextConnectError();
    ASSERT_TRUE(refused.ok()) << refused.status();
    EXPECT_TRUE(client->ExpectClosed().ok());
    daemon_.reset();
  }
}

TEST_F(SdkDeliveryTest, SubscriberPublishingOnItsOwnConnectionGetsEveryAckInStep) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::optional<RawClient> client = Client();
  ASSERT_TRUE(client);
  ASSERT_TRUE(SdkSubscribe(*client, "events").ok());

  // Like the SDK: send one Publish, then read frames in order until its reply. Deliveries may
  // come before or after any ack; the k-th frame that is not a Deliver must be the ack of the
  // k-th publish.
  uint64_t next_seq = 1;
  auto take_deliver = [&](const protocol::Frame& frame) {
    const auto* deliver = std::get_if<protocol::Deliver>(&frame.body);
    if (deliver == nullptr || frame.stream_id != kSdkStream) return false;
    EXPECT_EQ(deliver->delivery_seq, next_seq);
    EXPECT_EQ(deliver->envelope.payload, NumberedPayload(static_cast<int>(next_seq)));
    ++next_seq;
    return true;
  };
  uint64_t last_message_id = 0;
  for (int k = 1; k <= kManyMessages; ++k) {
    ASSERT_TRUE(SendPublish(*client, "events", MakeEnvelope(NumberedPayload(k))).ok());
    while (true) {
      absl::StatusOr<protocol::Frame> frame = client->Next();
      ASSERT_TRUE(frame.ok()) << "waiting for the reply to publish " << k << " (" << next_seq - 1
                              << " deliveries so far): " << frame.status();
      if (take_deliver(*frame)) continue;
      const auto* ack = std::get_if<protocol::PublishAck>(&frame->body);
      ASSERT_TRUE(ack != nullptr && frame->stream_id == kSdkStream)
          << "publish " << k << " (" << next_seq - 1
          << " deliveries so far): expected its PublishAck, got " << DescribeFrame(*frame);
      ASSERT_GT(ack->message_id, last_message_id) << "publish " << k;
      last_message_id = ack->message_id;
      break;
    }
    ASSERT_FALSE(HasFailure()) << "publish " << k;
  }
  while (next_seq <= static_cast<uint64_t>(kManyMessages)) {
    absl::StatusOr<protocol::Frame> frame = client->Next();
    ASSERT_TRUE(frame.ok()) << "after " << next_seq - 1 << " deliveries: " << frame.status();
    ASSERT_TRUE(take_deliver(*frame))
        << "after all acks, expected a Deliver, got " << DescribeFrame(*frame);
  }
}

}  // namespace
}  // namespace liminal::e2e::compat
