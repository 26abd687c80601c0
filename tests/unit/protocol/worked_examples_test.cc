// The worked examples of wire-protocol.md §8 and §9 (encode and decode, byte for byte) and
// the error examples of §8.1.
#include <string>
#include <vector>

#include "core/protocol/frame.h"
#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "gtest/gtest.h"
#include "tests/unit/protocol/test_bytes.h"

namespace liminal::protocol {
namespace {

using testing::Bytes;
using testing::Repeat;

// Envelope E of §8: schema 32 x 00, independent causal context, payload "{}".
Envelope EnvelopeE() { return Envelope{.schema_id = {}, .causal = {}, .payload = "{}"}; }
constexpr char kEnvelopeEHex[] =
    "00000000000000000000000000000000"
    "00000000000000000000000000000000 | 00000002 | 0000 | "
    "00000002 | 7B7D";

SchemaId FilledSchema(uint8_t byte) {
  SchemaId id;
  id.fill(byte);
  return id;
}

struct Example {
  std::string name;
  Frame frame;
  std::string wire;
  size_t size;  // as stated in the spec, to catch transcription errors in `wire`
};

std::vector<Example> WorkedExamples() {
  const std::string e = kEnvelopeEHex;
  return {
      {"1 Ping", Frame{0, 0, Ping{}}, Bytes("13 00 00000000 00000000"), 10},
      {"2 Pong", Frame{0, 0, Pong{}}, Bytes("14 00 00000000 00000000"), 10},
      {"3 Disconnect", Frame{0, 0, Disconnect{}}, Bytes("04 00 00000000 00000000"), 10},
      {"4 Connect", Frame{0, 0, Connect{{1, 0}, {1, 0}, ""}},
       Bytes("01 00 00000000 0000000C | 0001 0000 | 0001 0000 | 00000000"), 22},
      {"5 ConnectAck", Frame{0, 0, ConnectAck{{1, 0}, 0}},
       Bytes("02 00 00000000 00000008 | 0001 0000 | 00000000"), 18},
      {"6 ConnectError", Frame{0, 0, ConnectError{7, "no mutually supported protocol version"}},
       Bytes("03 00 00000000 0000002D | 0007 | 01 | 00000026 "
             "6E6F206D757475616C6C7920737570706F727465642070726F746F636F6C2076657273696F6E"),
       55},
      {"7 Subscribe", Frame{0, 1, Subscribe{"orders", {}, 1}},
       Bytes("05 00 00000001 00000012 | 00000006 6F7264657273 | 00000000 | 00000001"), 28},
      {"8 SubscribeAck", Frame{0, 1, SubscribeAck{1, FilledSchema(0xAB)}},
       Bytes("06 00 00000001 00000028 | 0000000000000001") + Repeat(0xAB, 32), 50},
      {"9 Publish", Frame{0, 1, Publish{"orders", EnvelopeE(), std::nullopt}},
       Bytes("09 00 00000001 0000003A | 00000006 6F7264657273 | 0000002C" + e), 68},
      {"10 Publish with key", Frame{0x02, 1, Publish{"orders", EnvelopeE(), "k1"}},
       Bytes("09 02 00000001 00000040 | 00000006 6F7264657273 | 0000002C" + e + "| 00000002 6B31"),
       74},
      {"11 PublishAck", Frame{0x01, 1, PublishAck{1}},
       Bytes("0A 01 00000001 00000008 | 0000000000000001"), 18},
      {"12 PublishError", Frame{0, 1, PublishError{0xFFFF, std::nullopt}},
       Bytes("0B 00 00000001 00000003 | FFFF | 00"), 13},
      {"13 Push", Frame{0, 1, Push{1, "hi"}},
       Bytes("15 00 00000001 0000000E | 0000000000000001 | 00000002 6869"), 24},
      {"14 PushReply", Frame{0, 1, PushReply{1, "ok"}},
       Bytes("16 00 00000001 0000000E | 0000000000000001 | 00000002 6F6B"), 24},
      {"15 WorkerRegister",
       Frame{0, 0, WorkerRegister{{"default"}, "q", std::nullopt, {"a"}, "w1"}},
       Bytes("17 00 00000000 00000024 | 00000001 00000007 64656661756C74 | 00000001 71 | 00 | "
             "00000001 00000001 61 | 00000002 7731"),
       46},
      {"16 WorkerRegisterAck Accepted", Frame{0, 0, WorkerRegisterAck{std::nullopt}},
       Bytes("18 00 00000000 00000001 | 00"), 11},
      {"17 WorkerRegisterAck Rejected", Frame{0, 0, WorkerRegisterAck{"denied"}},
       Bytes("18 00 00000000 0000000B | 01 | 00000006 64656E696564"), 21},
      {"18 ConversationOpen", Frame{0, 1, ConversationOpen{7, "echo"}},
       Bytes("0C 00 00000001 00000010 | 0000000000000007 | 00000004 6563686F"), 26},
      {"19 ConversationClose", Frame{0, 1, ConversationClose{7, std::nullopt, std::nullopt}},
       Bytes("0E 00 00000001 0000000A | 0000000000000007 | 00 | 00"), 20},
      {"20 ConversationClose with reason", Frame{0, 1, ConversationClose{7, 0x0100, "bye"}},
       Bytes("0E 00 00000001 00000013 | 0000000000000007 | 01 0100 | 01 00000003 627965"), 29},
      {"21 ConversationMessage reply", Frame{0x01, 1, ConversationMessage{7, EnvelopeE()}},
       Bytes("0D 01 00000001 00000038 | 0000000000000007 | 0000002C" + e), 66},
      {"22 Accept", Frame{0, 1, Accept{"m1"}}, Bytes("10 00 00000001 00000006 | 00000002 6D31"),
       16},
      {"23 Defer", Frame{0, 1, Defer{"m1", std::nullopt}},
       Bytes("11 00 00000001 00000007 | 00000002 6D31 | 00"), 17},
      {"24 Unknown 0xFE", Frame{0x7F, 9, UnknownFrame{0xFE, Bytes("CAFEBA")}},
       Bytes("FE 7F 00000009 00000003 | CAFEBA"), 13},
      {"9.Deliver",
       Frame{0, 3,
             Deliver{1, Envelope{.schema_id = FilledSchema(0x11), .causal = {}, .payload = "{}"}}},
       Bytes("19 00 00000003 00000038 | 0000000000000001 | 0000002c") + Repeat(0x11, 32) +
           Bytes("00000002 | 0000 | 00000002 | 7b7d"),
       66},
  };
}

TEST(WorkedExamplesTest, EncodeGivesTheSpecBytes) {
  for (const Example& example : WorkedExamples()) {
    SCOPED_TRACE(example.name);
    ASSERT_EQ(example.wire.size(), example.size);
    std::string out;
    ASSERT_TRUE(EncodeFrame(example.frame, out).ok());
    EXPECT_EQ(out, example.wire);
  }
}

TEST(WorkedExamplesTest, DecodeGivesTheFrameAndConsumesEverything) {
  for (const Example& example : WorkedExamples()) {
    SCOPED_TRACE(example.name);
    const DecodeResult result = DecodeFrame(example.wire);
    ASSERT_TRUE(result.ok()) << result.error().detail;
    EXPECT_EQ(result.frame(), example.frame);
    EXPECT_EQ(result.consumed(), example.wire.size());
  }
}

TEST(WorkedExamplesTest, DecodeLeavesTheNextFrameAlone) {
  const std::string ping = Bytes("13 00 00000000 00000000");
  const std::string ack = Bytes("0A 01 00000001 00000008 | 0000000000000001");
  const std::string stream = ping + ack + ping.substr(0, 4);
  std::string_view rest = stream;
  DecodeResult first = DecodeFrame(rest);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.frame(), (Frame{0, 0, Ping{}}));
  rest.remove_prefix(first.consumed());
  DecodeResult second = DecodeFrame(rest);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.frame(), (Frame{0x01, 1, PublishAck{1}}));
  rest.remove_prefix(second.consumed());
  DecodeResult third = DecodeFrame(rest);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().error_class, DecodeErrorClass::kIncompleteHeader);
}

TEST(WorkedExamplesTest, MakeFrameSetsTheKeyFlag) {
  const Frame frame = MakeFrame(Publish{"orders", EnvelopeE(), "k1"}, 1);
  EXPECT_EQ(frame.flags, kFlagIdempotencyKey);
  std::string out;
  ASSERT_TRUE(EncodeFrame(frame, out).ok());
  EXPECT_EQ(out, WorkedExamples()[9].wire);
}

struct ErrorExample {
  std::string name;
  std::string input;
  DecodeErrorClass expected;
};

std::string Example9() { return WorkedExamples()[8].wire; }
std::string Example10() { return WorkedExamples()[9].wire; }
std::string WithByte1(std::string wire, uint8_t flags) {
  wire[1] = static_cast<char>(flags);
  return wire;
}

std::vector<ErrorExample> ErrorExamples() {
  return {
      {"truncated Publish", Bytes("09 00 00000001 00000004 AABB"),
       DecodeErrorClass::kTruncatedPayload},
      {"truncation before stream check", Bytes("13 00 00000001 00000005"),
       DecodeErrorClass::kTruncatedPayload},
      {"Ping on stream 1", Bytes("13 00 00000001 00000000"), DecodeErrorClass::kInvalidStream},
      {"Publish on stream 0", Bytes("09 00 00000000 00000000"), DecodeErrorClass::kInvalidStream},
      {"Ping with a payload byte", Bytes("13 00 00000000 00000001 00"),
       DecodeErrorClass::kCodecError},
      {"u64 past the payload", Bytes("08 00 00000001 00000004 00000001"),
       DecodeErrorClass::kCodecError},
      {"presence tag 2", Bytes("03 00 00000000 00000003 0007 02"), DecodeErrorClass::kCodecError},
      {"bad ack status", Bytes("18 00 00000000 00000001 7F"), DecodeErrorClass::kCodecError},
      {"trailing bytes after Accepted", Bytes("18 00 00000000 00000002 00 00"),
       DecodeErrorClass::kCodecError},
      {"max_in_flight 0", Bytes("05 00 00000001 0000000C 00000000 00000000 00000000"),
       DecodeErrorClass::kCodecError},
      {"invalid UTF-8", Bytes("0C 00 00000001 0000000D 0000000000000007 00000001 FF"),
       DecodeErrorClass::kCodecError},
      {"flag 0x02 without a key", WithByte1(Example9(), 0x02), DecodeErrorClass::kCodecError},
      {"key without flag 0x02", WithByte1(Example10(), 0x00), DecodeErrorClass::kCodecError},
      {"causal length 0",
       Bytes("09 00 00000001 00000038 | 00000006 6F7264657273 | 0000002A") + Repeat(0, 32) +
           Bytes("00000000 | 00000002 7B7D"),
       DecodeErrorClass::kCodecError},
      {"wrong stream wins over a malformed payload", Bytes("13 00 00000007 00000002 FFFF"),
       DecodeErrorClass::kInvalidStream},
  };
}

TEST(ErrorExamplesTest, EachInputGivesItsErrorClass) {
  for (const ErrorExample& example : ErrorExamples()) {
    SCOPED_TRACE(example.name);
    const DecodeResult result = DecodeFrame(example.input);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().error_class, example.expected) << result.error().detail;
    EXPECT_FALSE(result.error().detail.empty());
  }
}

TEST(ErrorExamplesTest, FewerThanTenBytesIsAnIncompleteHeader) {
  const std::string ping = Bytes("13 00 00000000 00000000");
  for (size_t size = 0; size < 10; ++size) {
    const DecodeResult result = DecodeFrame(std::string_view(ping).substr(0, size));
    ASSERT_FALSE(result.ok()) << size;
    EXPECT_EQ(result.error().error_class, DecodeErrorClass::kIncompleteHeader) << size;
    EXPECT_TRUE(result.error().need_more_bytes());
  }
}

TEST(ErrorExamplesTest, NeedMoreBytesOnlyForTheTwoWaitingClasses) {
  EXPECT_TRUE(DecodeFrame(Bytes("09 00 00000001 00000004 AABB")).error().need_more_bytes());
  EXPECT_FALSE(DecodeFrame(Bytes("13 00 00000001 00000000")).error().need_more_bytes());
  EXPECT_FALSE(DecodeFrame(Bytes("13 00 00000000 00000001 00")).error().need_more_bytes());
}

TEST(ErrorExamplesTest, TypeZeroIsAnUnknownFrame) {
  const DecodeResult result = DecodeFrame(Bytes("00 00 00000000 00000000"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.frame(), (Frame{0, 0, UnknownFrame{0x00, ""}}));
  EXPECT_EQ(result.consumed(), 10u);
}

TEST(ErrorExamplesTest, UnknownTypesSkipTheStreamCheck) {
  for (int id : {0x00, 0x1A, 0x7F, 0xFF}) {
    std::string wire = Bytes("00 05 00000000 00000002 ABCD");
    wire[0] = static_cast<char>(id);
    const DecodeResult result = DecodeFrame(wire);
    ASSERT_TRUE(result.ok()) << id;
    EXPECT_EQ(result.frame(), (Frame{5, 0, UnknownFrame{static_cast<uint8_t>(id), Bytes("ABCD")}}));
  }
}

TEST(ErrorExamplesTest, DeliverIsAKnownApplicationFrame) {
  const DecodeResult on_control = DecodeFrame(Bytes("19 00 00000000 00000000"));
  ASSERT_FALSE(on_control.ok());
  EXPECT_EQ(on_control.error().error_class, DecodeErrorClass::kInvalidStream);
  const DecodeResult empty = DecodeFrame(Bytes("19 00 00000001 00000000"));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().error_class, DecodeErrorClass::kCodecError);
}

TEST(ErrorExamplesTest, UndefinedFlagBitsArePreservedAndReadNoKey) {
  // §2.2: Publish with flags 0xFD decodes fine, no key read.
  const DecodeResult result = DecodeFrame(WithByte1(Example9(), 0xFD));
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result.frame().flags, 0xFD);
  EXPECT_EQ(std::get<Publish>(result.frame().body).idempotency_key, std::nullopt);
}

TEST(ErrorExamplesTest, DetailsNameTheProblem) {
  EXPECT_EQ(DecodeFrame(Bytes("13 00 00000000 00000001 00")).error().detail,
            "Ping: 1 trailing bytes");
  EXPECT_EQ(
      DecodeFrame(Bytes("0C 00 00000001 0000000D 0000000000000007 00000001 FF")).error().detail,
      "ConversationOpen.subject: invalid UTF-8");
  EXPECT_EQ(DecodeFrame(WithByte1(Example9(), 0x02)).error().detail,
            "Publish.idempotency_key: runs past the end of the payload");
  EXPECT_EQ(DecodeFrame(Bytes("05 00 00000001 0000000C 00000000 00000000 00000000")).error().detail,
            "Subscribe.max_in_flight: must be > 0");
}

}  // namespace
}  // namespace liminal::protocol
