// EncodeFrame refusals (wire-protocol.md §1.3 and the frame model's invariants): each one
// is InvalidArgument with a message naming the problem, and appends nothing.
#include "core/protocol/frame_encoder.h"

#include <string>
#include <utility>
#include <vector>

#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_type.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liminal::protocol {
namespace {

using ::testing::HasSubstr;

constexpr char kInvalidUtf8[] = "ok\xC0\xAFnot";  // overlong '/'

// Expects `frame` to be refused with a message containing `fragment`, leaving `out` as it was.
void ExpectRefused(const Frame& frame, const std::string& fragment) {
  std::string out = "existing bytes";
  const absl::Status status = EncodeFrame(frame, out);
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(fragment));
  EXPECT_EQ(out, "existing bytes");
}

// A default-constructed body of each known type, in type-id order.
template <size_t... Index>
std::vector<FrameBody> AllKnownBodies(std::index_sequence<Index...>) {
  return {FrameBody(std::in_place_index<Index>)...};
}
std::vector<FrameBody> AllKnownBodies() {
  return AllKnownBodies(std::make_index_sequence<static_cast<size_t>(FrameType::kDeliver)>{});
}

TEST(FrameEncoderTest, EveryKnownTypeEncodesOnItsStreamClassOnly) {
  for (const FrameBody& body : AllKnownBodies()) {
    const auto type = static_cast<FrameType>(body.index() + 1);
    SCOPED_TRACE(FrameTypeName(type));
    const bool control = IsControlFrameType(type);
    const Frame good{0, control ? 0u : 7u, body};
    std::string out;
    ASSERT_TRUE(EncodeFrame(good, out).ok());
    const DecodeResult decoded = DecodeFrame(out);
    ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
    EXPECT_EQ(decoded.frame(), good);

    ExpectRefused(Frame{0, control ? 1u : 0u, body},
                  control ? "control frame and must use stream 0"
                          : "application frame and needs a stream id >= 1");
  }
}

TEST(FrameEncoderTest, AppendsToTheBuffer) {
  std::string out = "ab";
  ASSERT_TRUE(EncodeFrame(Frame{0, 0, Ping{}}, out).ok());
  ASSERT_TRUE(EncodeFrame(Frame{0, 0, Pong{}}, out).ok());
  EXPECT_EQ(out, std::string("ab") + std::string("\x13\0\0\0\0\0\0\0\0\0", 10) +
                     std::string("\x14\0\0\0\0\0\0\0\0\0", 10));
}

TEST(FrameEncoderTest, RefusesSubscribeWithZeroMaxInFlight) {
  ExpectRefused(Frame{0, 1, Subscribe{"orders", {}, 0}}, "Subscribe.max_in_flight: must be > 0");
}

TEST(FrameEncoderTest, RefusesKeyFlagWithoutKey) {
  ExpectRefused(Frame{kFlagIdempotencyKey, 1, Publish{"orders", {}, std::nullopt}},
                "flag 0x02 is set but there is no key");
  ExpectRefused(Frame{0xFF, 1, Publish{"orders", {}, std::nullopt}},
                "flag 0x02 is set but there is no key");
}

TEST(FrameEncoderTest, RefusesKeyWithoutKeyFlag) {
  ExpectRefused(Frame{0, 1, Publish{"orders", {}, "k1"}},
                "a key is present but flag 0x02 is clear");
  ExpectRefused(Frame{0xFD, 1, Publish{"orders", {}, ""}},
                "a key is present but flag 0x02 is clear");
}

TEST(FrameEncoderTest, KeyAndFlagTogetherEncode) {
  std::string out;
  EXPECT_TRUE(EncodeFrame(Frame{0x02, 1, Publish{"orders", {}, ""}}, out).ok());
  EXPECT_TRUE(EncodeFrame(Frame{0xFF, 1, Publish{"orders", {}, "k"}}, out).ok());
  EXPECT_TRUE(EncodeFrame(Frame{0xFD, 1, Publish{"orders", {}, std::nullopt}}, out).ok());
}

TEST(FrameEncoderTest, RefusesInvalidUtf8InEveryTextField) {
  const std::string bad = kInvalidUtf8;
  Envelope bad_parent;
  bad_parent.causal.parent_id = bad;
  const std::vector<std::pair<Frame, std::string>> cases = {
      {Frame{0, 0, ConnectError{7, bad}}, "ConnectError.message"},
      {Frame{0, 1, Subscribe{bad, {}, 1}}, "Subscribe.channel"},
      {Frame{0, 1, SubscribeError{7, bad}}, "SubscribeError.message"},
      {Frame{0, 1, Publish{bad, {}, std::nullopt}}, "Publish.channel"},
      {Frame{0x02, 1, Publish{"c", {}, bad}}, "Publish.idempotency_key"},
      {Frame{0, 1, Publish{"c", bad_parent, std::nullopt}}, "Publish.envelope.causal.parent_id"},
      {Frame{0, 1, PublishError{7, bad}}, "PublishError.message"},
      {Frame{0, 1, ConversationOpen{1, bad}}, "ConversationOpen.subject"},
      {Frame{0, 1, ConversationMessage{1, bad_parent}},
       "ConversationMessage.envelope.causal.parent_id"},
      {Frame{0, 1, ConversationClose{1, 2, bad}}, "ConversationClose.message"},
      {Frame{0, 1, ConversationError{1, 2, bad}}, "ConversationError.message"},
      {Frame{0, 1, Accept{bad}}, "Accept.referenced_message_id"},
      {Frame{0, 1, Defer{bad, std::nullopt}}, "Defer.referenced_message_id"},
      {Frame{0, 1, Defer{"m", bad}}, "Defer.reason"},
      {Frame{0, 1, Reject{"m", bad}}, "Reject.reason"},
      {Frame{0, 0, WorkerRegister{{"a", bad}, "q", std::nullopt, {}, "w"}},
       "WorkerRegister.namespaces"},
      {Frame{0, 0, WorkerRegister{{}, bad, std::nullopt, {}, "w"}}, "WorkerRegister.task_queue"},
      {Frame{0, 0, WorkerRegister{{}, "q", bad, {}, "w"}}, "WorkerRegister.node"},
      {Frame{0, 0, WorkerRegister{{}, "q", std::nullopt, {bad}, "w"}},
       "WorkerRegister.activity_types"},
      {Frame{0, 0, WorkerRegister{{}, "q", std::nullopt, {}, bad}}, "WorkerRegister.identity"},
      {Frame{0, 0, WorkerRegisterAck{bad}}, "WorkerRegisterAck.reason"},
      {Frame{0, 1, Deliver{1, bad_parent}}, "Deliver.envelope.causal.parent_id"},
  };
  for (const auto& [frame, field] : cases) {
    SCOPED_TRACE(field);
    ExpectRefused(frame, field + ": not valid UTF-8");
  }
}

TEST(FrameEncoderTest, OpaqueBytesNeedNotBeUtf8) {
  const std::string bad = kInvalidUtf8;
  std::string out;
  EXPECT_TRUE(EncodeFrame(Frame{0, 0, Connect{{1, 0}, {1, 0}, bad}}, out).ok());
  EXPECT_TRUE(EncodeFrame(Frame{0, 1, Push{1, bad}}, out).ok());
  EXPECT_TRUE(EncodeFrame(Frame{0, 1, Deliver{1, Envelope{{}, {}, bad}}}, out).ok());
}

TEST(FrameEncoderTest, UnknownFramesAreVerbatimOnAnyStream) {
  std::string out;
  ASSERT_TRUE(EncodeFrame(Frame{0xAA, 0, UnknownFrame{0x00, "x"}}, out).ok());
  ASSERT_TRUE(EncodeFrame(Frame{0xAA, 5, UnknownFrame{0x1A, ""}}, out).ok());
  EXPECT_EQ(out, std::string("\x00\xAA\0\0\0\0\0\0\0\x01x", 11) +
                     std::string("\x1A\xAA\0\0\0\x05\0\0\0\0", 10));
}

TEST(FrameEncoderTest, RefusesUnknownFrameWithAKnownId) {
  // It would decode as the known type, not as the UnknownFrame that was encoded.
  ExpectRefused(Frame{0, 0, UnknownFrame{0x13, ""}}, "known type Ping");
  ExpectRefused(Frame{0, 1, UnknownFrame{0x19, ""}}, "known type Deliver");
}

TEST(FrameEncoderTest, EncodeDeliverRefusesWhatEncodeFrameRefuses) {
  Envelope envelope;
  envelope.payload = "p";
  std::string out = "existing bytes";
  absl::Status status = EncodeDeliver(/*stream_id=*/0, 1, envelope.schema_id, envelope, out);
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("needs a stream id >= 1"));
  EXPECT_EQ(out, "existing bytes");

  envelope.causal.parent_id = kInvalidUtf8;
  status = EncodeDeliver(/*stream_id=*/3, 1, envelope.schema_id, envelope, out);
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("Deliver.envelope.causal.parent_id: not valid UTF-8"));
  EXPECT_EQ(out, "existing bytes");
}

TEST(FrameEncoderTest, EncodeDeliverWritesTheSpecExample) {
  // wire-protocol.md §9: Deliver on stream 3, seq 1, schema 32 x 0x11, causal 00 00, "{}".
  // The schema id written is the subscription's, not the publisher's envelope's.
  Envelope envelope;
  envelope.schema_id.fill(0xAB);
  envelope.payload = "{}";
  SchemaId selected;
  selected.fill(0x11);
  std::string out;
  ASSERT_TRUE(EncodeDeliver(3, 1, selected, envelope, out).ok());
  std::string expected = std::string("\x19\x00\x00\x00\x00\x03\x00\x00\x00\x38", 10) +
                         std::string("\x00\x00\x00\x00\x00\x00\x00\x01", 8) +
                         std::string("\x00\x00\x00\x2c", 4) + std::string(32, '\x11') +
                         std::string("\x00\x00\x00\x02\x00\x00\x00\x00\x00\x02{}", 12);
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace liminal::protocol
