// ByteReader and ByteWriter: big-endian, bounds-checked, failed reads consume nothing.
#include <string>

#include "core/protocol/byte_reader.h"
#include "core/protocol/byte_writer.h"
#include "gtest/gtest.h"
#include "tests/unit/protocol/test_bytes.h"

namespace liminal::protocol {
namespace {

using testing::Bytes;

TEST(ByteReaderTest, ReadsBigEndian) {
  const std::string bytes = Bytes("01 0203 04050607 08090A0B0C0D0E0F AB");
  ByteReader reader(bytes);
  uint8_t u8 = 0;
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  uint64_t u64 = 0;
  std::string_view raw;
  ASSERT_TRUE(reader.ReadU8(u8));
  ASSERT_TRUE(reader.ReadU16(u16));
  ASSERT_TRUE(reader.ReadU32(u32));
  ASSERT_TRUE(reader.ReadU64(u64));
  ASSERT_TRUE(reader.ReadRaw(1, raw));
  EXPECT_EQ(u8, 0x01);
  EXPECT_EQ(u16, 0x0203);
  EXPECT_EQ(u32, 0x04050607u);
  EXPECT_EQ(u64, 0x08090A0B0C0D0E0Full);
  EXPECT_EQ(raw, Bytes("AB"));
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, HighBitsSurviveWidening) {
  const std::string bytes = Bytes("FF FFFF FFFFFFFF FFFFFFFFFFFFFFFF");
  ByteReader reader(bytes);
  uint8_t u8 = 0;
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  uint64_t u64 = 0;
  ASSERT_TRUE(reader.ReadU8(u8) && reader.ReadU16(u16) && reader.ReadU32(u32) &&
              reader.ReadU64(u64));
  EXPECT_EQ(u8, 0xFF);
  EXPECT_EQ(u16, 0xFFFF);
  EXPECT_EQ(u32, 0xFFFFFFFFu);
  EXPECT_EQ(u64, 0xFFFFFFFFFFFFFFFFull);
}

TEST(ByteReaderTest, ShortReadsFailAndConsumeNothing) {
  const std::string bytes = Bytes("01 02 03");
  ByteReader reader(bytes);
  uint32_t u32 = 42;
  uint64_t u64 = 42;
  std::string_view raw = "untouched";
  EXPECT_FALSE(reader.ReadU32(u32));
  EXPECT_FALSE(reader.ReadU64(u64));
  EXPECT_FALSE(reader.ReadRaw(4, raw));
  EXPECT_FALSE(reader.ReadRaw(0xFFFFFFFFFFFFFFFFull, raw));
  EXPECT_EQ(u32, 42u);
  EXPECT_EQ(u64, 42u);
  EXPECT_EQ(raw, "untouched");
  EXPECT_EQ(reader.remaining(), 3u);
  uint16_t u16 = 0;
  EXPECT_TRUE(reader.ReadU16(u16));
  EXPECT_EQ(u16, 0x0102);
}

TEST(ByteWriterTest, AppendsBigEndianAndPatches) {
  std::string out = "x";
  ByteWriter writer(out);
  writer.AppendU8(0x01);
  writer.AppendU16(0x0203);
  const size_t at = writer.size();
  writer.AppendU32(0);
  writer.AppendU64(0x08090A0B0C0D0E0Full);
  writer.AppendRaw("yz");
  writer.PatchU32(at, 0xDEADBEEF);
  EXPECT_EQ(out, "x" + Bytes("01 0203 DEADBEEF 08090A0B0C0D0E0F") + "yz");
}

}  // namespace
}  // namespace liminal::protocol
