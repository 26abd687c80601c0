#include "core/protocol/frame_stream.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/protocol/frame_encoder.h"
#include "gtest/gtest.h"
#include "tests/unit/protocol/conformance_vectors.h"

namespace liminal::protocol {
namespace {

std::string Encoded(const Frame& frame) {
  std::string out;
  EXPECT_TRUE(EncodeFrame(frame, out).ok());
  return out;
}

// Copies `bytes` in through WritableSpace, at most `chunk` bytes per "read".
void FeedInPlace(FrameStream& stream, std::string_view bytes, size_t chunk) {
  size_t offset = 0;
  while (offset < bytes.size()) {
    absl::Span<char> space = stream.WritableSpace(chunk);
    ASSERT_FALSE(space.empty());
    const size_t n = std::min({chunk, space.size(), bytes.size() - offset});
    std::memcpy(space.data(), bytes.data() + offset, n);
    stream.Commit(n);
    offset += n;
  }
}

std::vector<Frame> Drain(FrameStream& stream) {
  std::vector<Frame> frames;
  while (std::optional<Frame> frame = stream.Next()) frames.push_back(std::move(*frame));
  return frames;
}

Frame DeliverFrame(uint64_t seq, std::string payload) {
  protocol::Deliver deliver;
  deliver.delivery_seq = seq;
  deliver.envelope.payload = std::move(payload);
  return MakeFrame(std::move(deliver), 3);
}

TEST(FrameStreamTest, DecodesManyFramesFromOneAppend) {
  FrameStream stream(FrameStream::kNoLimit);
  const std::vector<Frame> sent = {MakeFrame(Pong{}), DeliverFrame(1, "a"), DeliverFrame(2, "bb"),
                                   MakeFrame(PublishAck{9}, 5, kFlagDelivered)};
  std::string wire;
  for (const Frame& frame : sent) wire += Encoded(frame);
  stream.Append(std::move(wire));
  EXPECT_EQ(Drain(stream), sent);
  EXPECT_EQ(stream.buffered_bytes(), 0u);
  EXPECT_EQ(stream.error(), nullptr);
}

TEST(FrameStreamTest, ReassemblesFramesSplitAtEveryByte) {
  FrameStream stream(1024);
  const std::vector<Frame> sent = {DeliverFrame(1, "hello"), MakeFrame(Ping{}),
                                   DeliverFrame(2, "")};
  std::vector<Frame> received;
  for (const Frame& frame : sent) {
    for (char byte : Encoded(frame)) {
      stream.Append(std::string_view(&byte, 1));
      for (Frame& f : Drain(stream)) received.push_back(std::move(f));
    }
  }
  EXPECT_EQ(received, sent);
  EXPECT_EQ(stream.buffered_bytes(), 0u);
}

TEST(FrameStreamTest, AppendAfterAPartialFrameKeepsTheBufferedBytes) {
  FrameStream stream(FrameStream::kNoLimit);
  const std::string wire = Encoded(DeliverFrame(1, "payload")) + Encoded(MakeFrame(Ping{}));
  stream.Append(std::string(wire.substr(0, 7)));
  EXPECT_EQ(stream.Next(), std::nullopt);
  stream.Append(std::string(wire.substr(7, 10)));
  EXPECT_EQ(stream.Next(), std::nullopt);
  EXPECT_EQ(stream.buffered_bytes(), 17u);
  stream.Append(std::string(wire.substr(17)));
  EXPECT_EQ(Drain(stream), (std::vector<Frame>{DeliverFrame(1, "payload"), MakeFrame(Ping{})}));
  EXPECT_EQ(stream.error(), nullptr);
}

TEST(FrameStreamTest, WritableSpaceGrowsToHoldAFrameLargerThanOneChunk) {
  FrameStream stream(1 << 20);
  const Frame big = DeliverFrame(1, std::string(3 * 4096, 'x'));
  const std::string wire = Encoded(big);
  FeedInPlace(stream, wire.substr(0, 10), 10);
  // Once the header is here, the stream offers room for the rest of the frame at once.
  EXPECT_GE(stream.WritableSpace(16).size(), wire.size() - 10);
  FeedInPlace(stream, wire.substr(10), 4096 / 3);
  EXPECT_EQ(Drain(stream), std::vector<Frame>{big});
}

TEST(FrameStreamTest, WritableSpaceNeverOffersMoreThanAnOversizeFrameNeeds) {
  FrameStream stream(1024);
  // Deliver announcing 1 MiB: the stream must not grow toward it.
  const std::string header("\x19\x00\x00\x00\x00\x03\x00\x10\x00\x00", 10);
  FeedInPlace(stream, header, 10);
  EXPECT_LT(stream.WritableSpace(64).size(), 4096u);
}

TEST(FrameStreamTest, FrameExactlyAtTheLimitIsAccepted) {
  const Frame frame = DeliverFrame(1, "0123456789");
  const std::string wire = Encoded(frame);
  FrameStream stream(wire.size());
  stream.Append(wire);
  EXPECT_EQ(Drain(stream), std::vector<Frame>{frame});
}

TEST(FrameStreamTest, OversizeFrameIsRefusedFromItsHeaderAlone) {
  FrameStream stream(1024);
  const std::string header("\x19\x00\x00\x00\x00\x03\x00\x10\x00\x00", 10);
  stream.Append(header);
  EXPECT_EQ(stream.Next(), std::nullopt);
  const FrameStreamError* error = stream.error();
  ASSERT_NE(error, nullptr);
  EXPECT_TRUE(error->oversize());
  EXPECT_EQ(error->reason(), ReasonCode::kCodecError);
  EXPECT_EQ(error->header.type_id, 0x19);
  EXPECT_EQ(error->header.stream_id, 3u);
  EXPECT_EQ(error->Describe(), "frame of 1048586 bytes exceeds max_frame_bytes (1024)");
  // Failed for good: more bytes change nothing.
  stream.Append(Encoded(MakeFrame(Ping{})));
  EXPECT_EQ(stream.Next(), std::nullopt);
  EXPECT_EQ(stream.error(), error);
}

TEST(FrameStreamTest, LimitBelowTheHeaderSizeIsRaisedToIt) {
  FrameStream stream(0);
  EXPECT_EQ(stream.max_frame_bytes(), kFrameHeaderSize);
  stream.Append(Encoded(MakeFrame(Ping{})));
  EXPECT_EQ(Drain(stream), std::vector<Frame>{MakeFrame(Ping{})});
}

TEST(FrameStreamTest, WaitsForMoreBytesBelowTheLimit) {
  FrameStream stream(1024);
  const std::string wire = Encoded(DeliverFrame(1, "payload"));
  stream.Append(wire.substr(0, wire.size() - 1));
  EXPECT_EQ(stream.Next(), std::nullopt);
  EXPECT_EQ(stream.error(), nullptr);
  EXPECT_EQ(stream.buffered_bytes(), wire.size() - 1);
}

TEST(FrameStreamTest, MalformedPayloadIsACodecError) {
  FrameStream stream(1024);
  // Ping with one payload byte: trailing bytes.
  stream.Append(std::string("\x13\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00", 11));
  EXPECT_EQ(stream.Next(), std::nullopt);
  ASSERT_NE(stream.error(), nullptr);
  EXPECT_FALSE(stream.error()->oversize());
  EXPECT_EQ(stream.error()->reason(), ReasonCode::kCodecError);
  EXPECT_EQ(stream.error()->Describe().rfind("malformed frame: CodecError: ", 0), 0u)
      << stream.error()->Describe();
}

TEST(FrameStreamTest, WrongStreamIsAnInvalidStreamError) {
  FrameStream stream(1024);
  stream.Append(std::string("\x13\x00\x00\x00\x00\x01\x00\x00\x00\x00", 10));  // Ping on 1
  EXPECT_EQ(stream.Next(), std::nullopt);
  ASSERT_NE(stream.error(), nullptr);
  EXPECT_EQ(stream.error()->reason(), ReasonCode::kInvalidStream);
  EXPECT_EQ(stream.error()->Describe().rfind("malformed frame: InvalidStream: ", 0), 0u);
}

TEST(FrameStreamTest, FramesBeforeAMalformedOneAreDelivered) {
  FrameStream stream(1024);
  stream.Append(Encoded(MakeFrame(Ping{})) +
                std::string("\x13\x00\x00\x00\x00\x01\x00\x00\x00\x00", 10));
  EXPECT_EQ(stream.Next(), MakeFrame(Ping{}));
  EXPECT_EQ(stream.Next(), std::nullopt);
  ASSERT_NE(stream.error(), nullptr);
}

TEST(FrameStreamTest, ReasonForMapsOnlyInvalidStreamToItself) {
  EXPECT_EQ(ReasonFor(DecodeErrorClass::kInvalidStream), ReasonCode::kInvalidStream);
  EXPECT_EQ(ReasonFor(DecodeErrorClass::kCodecError), ReasonCode::kCodecError);
}

// Every valid vector, fed one byte at a time, yields its frame and consumes every byte.
TEST(FrameStreamTest, EveryValidVectorDecodesAcrossByteSplits) {
  absl::StatusOr<std::vector<testing::ConformanceVector>> valid =
      testing::LoadConformanceVectors(testing::kValidVectors);
  ASSERT_TRUE(valid.ok()) << valid.status();
  for (const testing::ConformanceVector& v : *valid) {
    FrameStream stream(FrameStream::kNoLimit);
    std::vector<Frame> frames;
    for (char byte : v.bytes) {
      stream.Append(std::string_view(&byte, 1));
      for (Frame& f : Drain(stream)) frames.push_back(std::move(f));
    }
    EXPECT_EQ(frames.size(), 1u) << v.where;
    EXPECT_EQ(stream.buffered_bytes(), 0u) << v.where;
    EXPECT_EQ(stream.error(), nullptr) << v.where;
  }
}

// Every corrupt vector gets the reference verdict: need more bytes, a frame, or the error
// class, whose reason code is the server's.
TEST(FrameStreamTest, EveryCorruptVectorGetsTheReferenceVerdict) {
  absl::StatusOr<std::vector<testing::ConformanceVector>> corrupt =
      testing::LoadConformanceVectors(testing::kCorruptVectors);
  ASSERT_TRUE(corrupt.ok()) << corrupt.status();
  for (const testing::ConformanceVector& v : *corrupt) {
    FrameStream stream(FrameStream::kNoLimit);
    stream.Append(v.bytes);
    std::optional<Frame> frame = stream.Next();
    const nlohmann::json& expect = v.json.at("expect");
    if (expect.contains("ok")) {
      EXPECT_TRUE(frame.has_value()) << v.where;
      continue;
    }
    const std::string expected = expect.at("error").get<std::string>();
    EXPECT_FALSE(frame.has_value()) << v.where;
    if (expected == "IncompleteHeader" || expected == "TruncatedPayload") {
      EXPECT_EQ(stream.error(), nullptr) << v.where;
      continue;
    }
    ASSERT_NE(stream.error(), nullptr) << v.where;
    ASSERT_FALSE(stream.error()->oversize()) << v.where;
    EXPECT_EQ(DecodeErrorClassName(stream.error()->decode->error_class), expected) << v.where;
    EXPECT_EQ(stream.error()->reason(),
              expected == "InvalidStream" ? ReasonCode::kInvalidStream : ReasonCode::kCodecError)
        << v.where;
  }
}

}  // namespace
}  // namespace liminal::protocol
