// The WorkerRegister activity census of the newest reference SDKs (reference-compat.md §1b):
// an optional tail after `identity`, decoded when present (even empty), written only when
// non-empty, and still followed by the trailing-bytes check.
#include <cstdint>
#include <string>
#include <vector>

#include "core/protocol/decode_error.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/protocol/test_bytes.h"

namespace liminal::protocol {
namespace {

using testing::Bytes;
using ::testing::HasSubstr;

// The payload of reference-compat.md §1b's example up to `identity`: namespaces ["ns"],
// task_queue "q", no node, no activity types, identity "id" (26 bytes).
constexpr char kRegisterFields[] =
    "00000001 00000002 6E73 | 00000001 71 | 00 | 00000000 | 00000002 6964";

// A WorkerRegister frame whose payload is kRegisterFields then `tail` (hex).
std::string RegisterWire(const std::string& tail) {
  const std::string payload = Bytes(std::string(kRegisterFields) + " | " + tail);
  const auto length = static_cast<uint32_t>(payload.size());
  std::string header = Bytes("17 00 00000000");
  for (int shift = 24; shift >= 0; shift -= 8) header.push_back(static_cast<char>(length >> shift));
  return header + payload;
}

WorkerRegister ExampleRegistration() { return WorkerRegister{{"ns"}, "q", std::nullopt, {}, "id"}; }

// Expects `wire` to be a CodecError whose detail contains `fragment`.
void ExpectCodecError(const std::string& wire, const std::string& fragment) {
  const DecodeResult result = DecodeFrame(wire);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().error_class, DecodeErrorClass::kCodecError);
  EXPECT_THAT(result.error().detail, HasSubstr(fragment));
}

TEST(ActivityCensusTest, SpecExampleWithAnEmptyCensusDecodes) {
  const std::string wire =
      Bytes("1700000000000000001e00000001000000026e730000000171000000000000000002696400000000");
  ASSERT_EQ(wire, RegisterWire("00000000"));
  const DecodeResult result = DecodeFrame(wire);
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result.consumed(), 40u);
  EXPECT_EQ(result.frame(), MakeFrame(ExampleRegistration()));
  EXPECT_TRUE(std::get<WorkerRegister>(result.frame().body).activities.empty());
}

TEST(ActivityCensusTest, FrameWithoutTheTailStillDecodes) {
  const std::string wire = RegisterWire("");
  const DecodeResult result = DecodeFrame(wire);
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result.consumed(), 36u);
  EXPECT_EQ(result.frame(), MakeFrame(ExampleRegistration()));
}

TEST(ActivityCensusTest, EncoderOmitsAnEmptyCensus) {
  std::string out;
  ASSERT_TRUE(EncodeFrame(MakeFrame(ExampleRegistration()), out).ok());
  EXPECT_EQ(out, RegisterWire(""));
}

TEST(ActivityCensusTest, NonEmptyCensusIsWrittenAfterIdentityAndRoundTrips) {
  WorkerRegister registration = ExampleRegistration();
  registration.activities = {{"send", "{}", ""}};
  const Frame frame = MakeFrame(registration);
  std::string out;
  ASSERT_TRUE(EncodeFrame(frame, out).ok());
  EXPECT_EQ(out, RegisterWire("00000001 | 00000004 73656E64 | 00000002 7B7D | 00000000"));
  EXPECT_EQ(out.substr(6, 4), Bytes("00000030"));  // 26 bytes of fields + 22 of census
  const DecodeResult result = DecodeFrame(out);
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result.consumed(), out.size());
  EXPECT_EQ(result.frame(), frame);
}

TEST(ActivityCensusTest, SeveralEntriesRoundTripInOrder) {
  WorkerRegister registration{{"a", "b"}, "emails", "", {"send", "bounce"}, "worker-1"};
  registration.activities = {
      {"send", R"({"type":"object","properties":{"to":{"type":"string"}}})", R"({"type":"null"})"},
      {"bounce", "", ""},
      {"\xC3\xA9t\xC3\xA9", std::string("nul\0inside", 10), "\xF0\x9F\x99\x82"},
  };
  const Frame frame = MakeFrame(registration);
  std::string out;
  ASSERT_TRUE(EncodeFrame(frame, out).ok());
  const DecodeResult result = DecodeFrame(out);
  ASSERT_TRUE(result.ok()) << result.error().detail;
  EXPECT_EQ(result.consumed(), out.size());
  EXPECT_EQ(result.frame(), frame);
}

TEST(ActivityCensusTest, TruncatedTailIsACodecError) {
  // The count promises an entry that is not there.
  ExpectCodecError(RegisterWire("00000001"),
                   "WorkerRegister.activities.name: runs past the end of the payload");
  // An entry cut short after its name.
  ExpectCodecError(RegisterWire("00000001 | 00000004 73656E64 | 00000002 7B"),
                   "WorkerRegister.activities.input_schema_json: runs past the end of the payload");
  // Not even the whole count.
  ExpectCodecError(RegisterWire("0000"),
                   "WorkerRegister.activities: runs past the end of the payload");
}

TEST(ActivityCensusTest, HugeCountFailsAtTheFirstMissingEntry) {
  ExpectCodecError(RegisterWire("FFFFFFFF | 00000001 61 | 00000000 | 00000000"),
                   "WorkerRegister.activities.name: runs past the end of the payload");
}

TEST(ActivityCensusTest, BytesAfterTheTailAreTrailingBytes) {
  ExpectCodecError(RegisterWire("00000000 | 00"), "WorkerRegister: 1 trailing bytes");
  ExpectCodecError(RegisterWire("00000001 | 00000001 61 | 00000000 | 00000000 | 00000000"),
                   "WorkerRegister: 4 trailing bytes");
}

TEST(ActivityCensusTest, CensusTextMustBeStrictUtf8) {
  ExpectCodecError(RegisterWire("00000001 | 00000000 | 00000002 C0AF | 00000000"),
                   "WorkerRegister.activities.input_schema_json: invalid UTF-8");

  WorkerRegister registration = ExampleRegistration();
  registration.activities = {{"send", "{}", "ok\xC0\xAFnot"}};
  std::string out = "kept";
  const absl::Status status = EncodeFrame(MakeFrame(registration), out);
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("WorkerRegister.activities.output_schema_json: not valid UTF-8"));
  EXPECT_EQ(out, "kept");
}

}  // namespace
}  // namespace liminal::protocol
