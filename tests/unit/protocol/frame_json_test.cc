// tools/frame_json: the vectors' JSON form, and errors that name the offending key.
#include "tools/frame_json.h"

#include <string>

#include "core/protocol/frame_decoder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liminal::tools {
namespace {

using protocol::Frame;
using ::testing::HasSubstr;

FrameJson Parse(const std::string& text) { return FrameJson::parse(text); }

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Frame> frame = FrameFromJson(Parse(text));
  EXPECT_FALSE(frame.ok()) << text;
  return frame.ok() ? std::string() : std::string(frame.status().message());
}

TEST(FrameJsonTest, WritesTheVectorsKeyOrder) {
  protocol::Envelope envelope;
  envelope.schema_id.fill(0xAB);
  envelope.causal.vector_clock = 18446744073709551615ull;
  envelope.payload = "\x01\xFF";
  const Frame frame{0x02, 4294967295u, protocol::Publish{"ch\u00e9", envelope, "k\"1"}};
  const std::string dumped = FrameToJson(frame).dump();
  std::string schema;
  for (int i = 0; i < 32; ++i) schema += "ab";
  EXPECT_EQ(dumped,
            "{\"type\":\"Publish\",\"channel\":\"ch\xC3\xA9\",\"envelope\":{\"schema_id\":\"" +
                schema +
                "\",\"parent_id\":null,\"vector_clock\":18446744073709551615,"
                "\"payload\":\"01ff\"},\"idempotency_key\":\"k\\\"1\",\"flags\":2,"
                "\"stream_id\":4294967295}");
}

TEST(FrameJsonTest, RoundTripsThroughJson) {
  const std::vector<Frame> frames = {
      Frame{0, 0, protocol::Connect{{1, 2}, {3, 4}, std::string("\0\x7F", 2)}},
      Frame{0, 1, protocol::Subscribe{"c", {protocol::SchemaId{}}, 4294967295u}},
      Frame{0, 0, protocol::WorkerRegister{{"a", "b"}, "q", "", {}, "w"}},
      Frame{0, 0, protocol::WorkerRegister{{}, "q", std::nullopt, {"x"}, "w", {{"x", "{}", ""}}}},
      Frame{0, 0, protocol::WorkerRegisterAck{"no"}},
      Frame{0, 0, protocol::WorkerRegisterAck{std::nullopt}},
      Frame{0, 1, protocol::ConversationClose{1, 0xFFFF, std::nullopt}},
      Frame{9, 3, protocol::UnknownFrame{0xFE, "\xCA\xFE"}},
  };
  for (const Frame& frame : frames) {
    const FrameJson json = FrameToJson(frame);
    SCOPED_TRACE(json.dump());
    absl::StatusOr<Frame> back = FrameFromJson(Parse(json.dump()));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, frame);
  }
}

TEST(FrameJsonTest, ActivityCensusAppearsOnlyWhenNonEmpty) {
  protocol::WorkerRegister registration{{"ns"}, "q", std::nullopt, {}, "id"};
  EXPECT_EQ(FrameToJson(Frame{0, 0, registration}).dump(),
            R"({"type":"WorkerRegister","namespaces":["ns"],"task_queue":"q","node":null,)"
            R"("activity_types":[],"identity":"id","flags":0,"stream_id":0})");

  registration.activities = {{"send", R"({"type":"object"})", ""}, {"b", "", "{}"}};
  const Frame frame{0, 0, registration};
  const std::string dumped = FrameToJson(frame).dump();
  EXPECT_EQ(
      dumped,
      R"({"type":"WorkerRegister","namespaces":["ns"],"task_queue":"q","node":null,)"
      R"("activity_types":[],"identity":"id","activities":[)"
      R"({"name":"send","input_schema_json":"{\"type\":\"object\"}","output_schema_json":""},)"
      R"({"name":"b","input_schema_json":"","output_schema_json":"{}"}],)"
      R"("flags":0,"stream_id":0})");
  absl::StatusOr<Frame> back = FrameFromJson(Parse(dumped));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, frame);
}

TEST(FrameJsonTest, ActivityCensusKeyIsOptionalOnInput) {
  const std::string fields =
      R"("type":"WorkerRegister","namespaces":[],"task_queue":"q","node":null,)"
      R"("activity_types":[],"identity":"w")";
  const Frame expected{0, 0, protocol::WorkerRegister{{}, "q", std::nullopt, {}, "w"}};
  absl::StatusOr<Frame> absent = FrameFromJson(Parse("{" + fields + "}"));
  ASSERT_TRUE(absent.ok()) << absent.status();
  EXPECT_EQ(*absent, expected);
  absl::StatusOr<Frame> empty = FrameFromJson(Parse("{" + fields + R"(,"activities":[]})"));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, expected);
}

TEST(FrameJsonTest, ActivityCensusErrorsNameTheNestedKey) {
  const std::string fields =
      R"({"type":"WorkerRegister","namespaces":[],"task_queue":"q","node":null,)"
      R"("activity_types":[],"identity":"w","activities":)";
  EXPECT_EQ(ErrorOf(fields + R"({}})"),
            "key 'activities': expected an array of objects {name, input_schema_json, "
            "output_schema_json}");
  EXPECT_EQ(ErrorOf(fields + R"(["send"]})"),
            "key 'activities': expected an array of objects {name, input_schema_json, "
            "output_schema_json}");
  EXPECT_EQ(ErrorOf(fields + R"([{"name":"a","input_schema_json":"","output_schema_json":""},)"
                             R"({"name":"b","input_schema_json":""}]})"),
            "missing key 'activities[1].output_schema_json'");
  EXPECT_EQ(ErrorOf(fields + R"([{"name":1,"input_schema_json":"","output_schema_json":""}]})"),
            "key 'activities[0].name': expected a string");
  EXPECT_EQ(
      ErrorOf(fields + R"([{"name":"a","input_schema_json":"","output_schema_json":"","x":0}]})"),
      "unexpected key 'activities[0].x'");
}

TEST(FrameJsonTest, FlagsAndStreamDefaultToZero) {
  absl::StatusOr<Frame> frame = FrameFromJson(Parse(R"({"type":"Ping"})"));
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(*frame, (Frame{0, 0, protocol::Ping{}}));
}

TEST(FrameJsonTest, ErrorsNameTheKey) {
  EXPECT_EQ(ErrorOf(R"({"flags":0})"), "missing key 'type'");
  EXPECT_EQ(ErrorOf(R"({"type":7})"), "key 'type': expected a string");
  EXPECT_THAT(ErrorOf(R"({"type":"Pingg"})"),
              HasSubstr("key 'type': unknown frame type 'Pingg' (expected one of Connect,"));
  EXPECT_EQ(ErrorOf(R"({"type":"Unsubscribe","stream_id":1})"), "missing key 'subscription_id'");
  EXPECT_EQ(ErrorOf(R"({"type":"Unsubscribe","subscription_id":-1,"stream_id":1})"),
            "key 'subscription_id': expected an integer in 0..18446744073709551615");
  EXPECT_EQ(ErrorOf(R"({"type":"Ping","flags":256})"),
            "key 'flags': expected an integer in 0..255");
  EXPECT_EQ(ErrorOf(R"({"type":"Ping","stream_id":1.5})"),
            "key 'stream_id': expected an integer in 0..4294967295");
  EXPECT_EQ(ErrorOf(R"({"type":"Ping","extra":1})"), "unexpected key 'extra'");
  EXPECT_EQ(ErrorOf(R"({"type":"Push","correlation_id":1,"payload":"abc","stream_id":1})"),
            "key 'payload': invalid hex: odd number of digits (3)");
  EXPECT_EQ(ErrorOf(R"({"type":"Push","correlation_id":1,"payload":"zz","stream_id":1})"),
            "key 'payload': invalid hex: 'z' at offset 0 is not a hex digit");
  EXPECT_EQ(ErrorOf(R"({"type":"Connect","min_version":[1],"max_version":[1,0],"auth_token":""})"),
            "key 'min_version': expected [major, minor] with both in 0..65535");
  EXPECT_EQ(ErrorOf(R"({"type":"SubscribeAck","subscription_id":1,"selected_schema":"ab"})"),
            "key 'selected_schema': a schema id is 32 bytes (64 hex digits), got 1 bytes");
  EXPECT_EQ(ErrorOf(R"({"type":"ConnectError","reason_code":7})"), "missing key 'message'");
  EXPECT_EQ(ErrorOf(R"({"type":"ConnectError","reason_code":7,"message":3})"),
            "key 'message': expected a string or null");
  EXPECT_EQ(ErrorOf(R"({"type":"WorkerRegisterAck","accepted":true,"reason":"x"})"),
            "key 'reason': must be null when \"accepted\" is true");
  EXPECT_EQ(ErrorOf(R"({"type":"WorkerRegisterAck","accepted":false,"reason":null})"),
            "key 'reason': must be a string when \"accepted\" is false");
}

TEST(FrameJsonTest, EnvelopeErrorsNameTheNestedKey) {
  const std::string schema(64, '0');
  EXPECT_EQ(ErrorOf(R"({"type":"Deliver","delivery_seq":1,"envelope":{"schema_id":")" + schema +
                    R"(","parent_id":null,"payload":""}})"),
            "missing key 'envelope.vector_clock'");
  EXPECT_EQ(ErrorOf(R"({"type":"Deliver","delivery_seq":1,"envelope":{"schema_id":")" + schema +
                    R"(","parent_id":null,"vector_clock":null,"payload":"","x":0}})"),
            "unexpected key 'envelope.x'");
  EXPECT_EQ(ErrorOf(R"({"type":"Deliver","delivery_seq":1,"envelope":[]})"),
            "key 'envelope': expected an object {schema_id, parent_id, vector_clock, payload}");
}

TEST(FrameJsonTest, DecodeResultVerdicts) {
  const std::string ping("\x13\0\0\0\0\0\0\0\0\0", 10);
  EXPECT_EQ(DecodeResultToJson(protocol::DecodeFrame(ping)).dump(),
            R"({"ok":{"type":"Ping","flags":0,"stream_id":0},"consumed":10})");
  EXPECT_EQ(DecodeResultToJson(protocol::DecodeFrame(ping.substr(0, 3))).dump(),
            R"({"error":"IncompleteHeader"})");
}

}  // namespace
}  // namespace liminal::tools
