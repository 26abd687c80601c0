// PayloadReader and PayloadWriter: typed wire fields, errors naming the field, counts from
// the wire that promise more than is there, and the u32 limit (lowered so tests reach it).
#include <string>
#include <vector>

#include "core/protocol/payload_reader.h"
#include "core/protocol/payload_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/protocol/test_bytes.h"

namespace liminal::protocol {
namespace {

using testing::Bytes;
using ::testing::HasSubstr;

TEST(PayloadReaderTest, HugeStringVecCountFailsAtTheFirstMissingElement) {
  const std::string payload = Bytes("FFFFFFFF | 00000001 61");
  PayloadReader reader(payload, "WorkerRegister");
  std::vector<std::string> out = {"kept"};
  EXPECT_FALSE(reader.ReadStringVec("namespaces", out));
  EXPECT_EQ(reader.error(), "WorkerRegister.namespaces: runs past the end of the payload");
  EXPECT_EQ(out, std::vector<std::string>{"kept"});  // untouched on failure
}

TEST(PayloadReaderTest, HugeSchemaCountFailsBeforeReadingElements) {
  const std::string payload = Bytes("FFFFFFFF") + std::string(64, '\x11');
  PayloadReader reader(payload, "Subscribe");
  std::vector<SchemaId> out;
  EXPECT_FALSE(reader.ReadSchemaIdVec("accepted_schemas", out));
  EXPECT_EQ(reader.error(), "Subscribe.accepted_schemas: runs past the end of the payload");
}

TEST(PayloadReaderTest, LengthLargerThanThePayloadFails) {
  const std::string payload = Bytes("FFFFFFFF 6162");
  PayloadReader reader(payload, "Push");
  std::string out;
  EXPECT_FALSE(reader.ReadBytes("payload", out));
  EXPECT_EQ(reader.error(), "Push.payload: runs past the end of the payload");
}

TEST(PayloadReaderTest, OptionalsDistinguishAbsentFromEmpty) {
  const std::string payload = Bytes("00 | 01 00000000 | 01 0007");
  PayloadReader reader(payload, "T");
  std::optional<std::string> absent = "x";
  std::optional<std::string> empty;
  std::optional<uint16_t> code;
  ASSERT_TRUE(reader.ReadOptString("a", absent));
  ASSERT_TRUE(reader.ReadOptString("b", empty));
  ASSERT_TRUE(reader.ReadOptU16("c", code));
  EXPECT_TRUE(reader.ExpectEnd());
  EXPECT_EQ(absent, std::nullopt);
  EXPECT_EQ(empty, std::optional<std::string>(""));
  EXPECT_EQ(code, std::optional<uint16_t>(7));
}

TEST(PayloadReaderTest, NestedEnvelopeErrorsCarryTheFullPath) {
  // Envelope whose causal context has a parent tag of 2.
  const std::string envelope = std::string(32, '\0') + Bytes("00000002 02 00 | 00000000");
  std::string payload = Bytes("0000002A") + envelope;
  PayloadReader reader(payload, "Deliver");
  Envelope out;
  EXPECT_FALSE(reader.ReadEnvelope("envelope", out));
  EXPECT_EQ(reader.error(),
            "Deliver.envelope.causal.parent_id: presence tag must be 0 or 1, got 2");
}

TEST(PayloadReaderTest, EnvelopeMustFillItsBytesField) {
  const std::string envelope = std::string(32, '\0') + Bytes("00000002 0000 | 00000000 | EE");
  std::string payload = Bytes("0000002B") + envelope;
  PayloadReader reader(payload, "Deliver");
  Envelope out;
  EXPECT_FALSE(reader.ReadEnvelope("envelope", out));
  EXPECT_EQ(reader.error(), "Deliver.envelope: 1 trailing bytes");
}

TEST(PayloadReaderTest, CausalContextMustBeExactlyConsumed) {
  const std::string envelope = std::string(32, '\0') + Bytes("00000003 0000 FF | 00000000");
  std::string payload = Bytes("0000002B") + envelope;
  PayloadReader reader(payload, "Deliver");
  Envelope out;
  EXPECT_FALSE(reader.ReadEnvelope("envelope", out));
  EXPECT_EQ(reader.error(), "Deliver.envelope.causal: 1 trailing bytes");
}

TEST(PayloadWriterTest, WritesEveryFieldKind) {
  std::string out;
  PayloadWriter writer(out, "T");
  writer.WriteString("s", "ab");
  writer.WriteOptString("o", std::nullopt);
  writer.WriteOptU16(0x0102);
  writer.WriteStringVec("v", {"x", ""});
  writer.WriteVersion({1, 2});
  Envelope envelope;
  envelope.causal = {"p", 5};
  envelope.payload = "{}";
  writer.WriteEnvelope("e", envelope);
  ASSERT_TRUE(writer.Finish().ok());
  // §3.2's example causal context: parent "p", clock 5.
  EXPECT_EQ(out, Bytes("00000002 6162 | 00 | 01 0102 | 00000002 00000001 78 00000000 | 0001 0002 |"
                       "00000039") +
                     std::string(32, '\0') +
                     Bytes("0000000F 01 00000001 70 01 0000000000000005 | 00000002 7B7D"));
  EXPECT_EQ(writer.size(), out.size());
}

TEST(PayloadWriterTest, RefusesLengthsBeyondTheLimit) {
  std::string out;
  PayloadWriter writer(out, "Push", /*max_length=*/4);
  writer.WriteBytes("payload", "12345");
  const absl::Status status = writer.Finish();
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("Push.payload: 5 does not fit in a u32 length/count"));
}

TEST(PayloadWriterTest, RefusesCountsBeyondTheLimit) {
  std::string out;
  PayloadWriter writer(out, "WorkerRegister", /*max_length=*/2);
  writer.WriteStringVec("namespaces", {"a", "b", "c"});
  EXPECT_THAT(std::string(writer.Finish().message()),
              HasSubstr("WorkerRegister.namespaces: 3 does not fit"));
}

TEST(PayloadWriterTest, WriteCountWritesAU32OrRefuses) {
  std::string out;
  PayloadWriter writer(out, "WorkerRegister", /*max_length=*/2);
  EXPECT_TRUE(writer.WriteCount("activities", 2));
  EXPECT_EQ(out, Bytes("00000002"));
  EXPECT_FALSE(writer.WriteCount("activities", 3));
  EXPECT_EQ(out, Bytes("00000002"));  // nothing written for the refused count
  EXPECT_THAT(std::string(writer.Finish().message()),
              HasSubstr("WorkerRegister.activities: 3 does not fit"));
}

TEST(PayloadWriterTest, RefusesAPayloadBeyondTheLimit) {
  std::string out;
  PayloadWriter writer(out, "Unsubscribe", /*max_length=*/7);
  writer.WriteU64(1);
  EXPECT_THAT(std::string(writer.Finish().message()),
              HasSubstr("Unsubscribe: payload of 8 bytes does not fit in a u32 length"));
}

TEST(PayloadWriterTest, RefusesAnEnvelopeBeyondTheLimit) {
  std::string out;
  PayloadWriter writer(out, "Deliver", /*max_length=*/40);
  writer.WriteEnvelope("envelope", Envelope{});  // 32 + 4 + 2 + 4 = 42 bytes
  EXPECT_THAT(std::string(writer.Finish().message()),
              HasSubstr("Deliver.envelope: 42 does not fit"));
}

TEST(PayloadWriterTest, KeepsTheFirstFailure) {
  std::string out;
  PayloadWriter writer(out, "T");
  writer.Fail("a", "first");
  writer.WriteString("b", "\xFF");
  EXPECT_EQ(writer.Finish().message(), "T.a: first");
}

}  // namespace
}  // namespace liminal::protocol
