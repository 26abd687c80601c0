// PeekFrameHeader: the header is visible as soon as 10 bytes exist, before the payload.
#include "core/protocol/frame_header.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/unit/protocol/test_bytes.h"

namespace liminal::protocol {
namespace {

using testing::Bytes;

TEST(FrameHeaderTest, NothingBeforeTenBytes) {
  const std::string header = Bytes("09 02 00000001 00000040");
  for (size_t size = 0; size < 10; ++size) {
    EXPECT_FALSE(PeekFrameHeader(std::string_view(header).substr(0, size)).has_value()) << size;
  }
}

TEST(FrameHeaderTest, ExposesEveryFieldWithoutThePayload) {
  const std::optional<FrameHeader> header = PeekFrameHeader(Bytes("09 02 01020304 00000040"));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->type_id, 0x09);
  EXPECT_EQ(header->flags, 0x02);
  EXPECT_EQ(header->stream_id, 0x01020304u);
  EXPECT_EQ(header->payload_length, 0x40u);
  EXPECT_EQ(header->frame_size(), 74u);
}

TEST(FrameHeaderTest, LargestLengthDoesNotOverflow) {
  const std::optional<FrameHeader> header = PeekFrameHeader(Bytes("FF FF FFFFFFFF FFFFFFFF"));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->type_id, 0xFF);
  EXPECT_EQ(header->stream_id, 0xFFFFFFFFu);
  EXPECT_EQ(header->payload_length, 0xFFFFFFFFu);
  EXPECT_EQ(header->frame_size(), 0x100000009ull);
}

TEST(FrameHeaderTest, IgnoresBytesAfterTheHeader) {
  const std::optional<FrameHeader> header =
      PeekFrameHeader(Bytes("13 00 00000000 00000000 | 14 00 00000000 00000000"));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->type_id, 0x13);
  EXPECT_EQ(header->payload_length, 0u);
}

TEST(FrameHeaderTest, PeekWorksForHeadersTheDecoderWouldReject) {
  // Unknown types and wrong streams are the decoder's business, not the peek's.
  const std::optional<FrameHeader> header = PeekFrameHeader(Bytes("13 00 00000005 00100000"));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->stream_id, 5u);
  EXPECT_EQ(header->frame_size(), 10u + 0x100000u);
}

}  // namespace
}  // namespace liminal::protocol
