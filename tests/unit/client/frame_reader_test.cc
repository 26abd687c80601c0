#include "client/frame_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/client_error.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/reason_code.h"
#include "gtest/gtest.h"

namespace liminal::client {
namespace {

using protocol::Frame;
using protocol::MakeFrame;

std::string Encoded(const Frame& frame) {
  std::string out;
  EXPECT_TRUE(protocol::EncodeFrame(frame, out).ok());
  return out;
}

// Copies `bytes` into the reader through WritableSpace, at most `chunk` bytes per "read".
void Feed(FrameReader& reader, const std::string& bytes, size_t chunk) {
  size_t offset = 0;
  while (offset < bytes.size()) {
    absl::Span<char> space = reader.WritableSpace();
    ASSERT_FALSE(space.empty());
    size_t n = std::min({chunk, space.size(), bytes.size() - offset});
    std::memcpy(space.data(), bytes.data() + offset, n);
    reader.Commit(n);
    offset += n;
  }
}

std::vector<Frame> Drain(FrameReader& reader) {
  std::vector<Frame> frames;
  while (true) {
    absl::StatusOr<std::optional<Frame>> next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status();
    if (!next.ok() || !next->has_value()) return frames;
    frames.push_back(std::move(**next));
  }
}

Frame Deliver(uint64_t seq, std::string payload) {
  protocol::Deliver deliver;
  deliver.delivery_seq = seq;
  deliver.envelope.payload = std::move(payload);
  return MakeFrame(std::move(deliver), 3);
}

TEST(FrameReaderTest, DecodesManyFramesFromOneRead) {
  FrameReader reader;
  std::vector<Frame> sent = {MakeFrame(protocol::Pong{}), Deliver(1, "a"), Deliver(2, "bb"),
                             MakeFrame(protocol::PublishAck{9}, 5, protocol::kFlagDelivered)};
  std::string wire;
  for (const Frame& frame : sent) wire += Encoded(frame);
  Feed(reader, wire, wire.size());
  EXPECT_EQ(Drain(reader), sent);
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST(FrameReaderTest, ReassemblesFramesSplitAtEveryByte) {
  FrameReader reader;
  std::vector<Frame> sent = {Deliver(1, "hello"), MakeFrame(protocol::Ping{}), Deliver(2, "")};
  std::vector<Frame> received;
  for (const Frame& frame : sent) {
    std::string wire = Encoded(frame);
    for (char byte : wire) {
      Feed(reader, std::string(1, byte), 1);
      for (Frame& f : Drain(reader)) received.push_back(std::move(f));
    }
  }
  EXPECT_EQ(received, sent);
}

TEST(FrameReaderTest, GrowsToHoldAFrameLargerThanOneReadChunk) {
  FrameReader reader(/*max_frame_bytes=*/1 << 20);
  Frame big = Deliver(1, std::string(3 * FrameReader::kReadChunk, 'x'));
  Feed(reader, Encoded(big), FrameReader::kReadChunk / 3);
  std::vector<Frame> frames = Drain(reader);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], big);
}

TEST(FrameReaderTest, FrameExactlyAtTheLimitIsAccepted) {
  Frame frame = Deliver(1, "0123456789");
  std::string wire = Encoded(frame);
  FrameReader reader(wire.size());
  Feed(reader, wire, wire.size());
  EXPECT_EQ(Drain(reader), std::vector<Frame>{frame});
}

TEST(FrameReaderTest, OversizeFrameIsRefusedFromItsHeaderAlone) {
  FrameReader reader(/*max_frame_bytes=*/1024);
  // Header only: Deliver on stream 3 announcing 1 MiB of payload; none of it is sent.
  const std::string header("\x19\x00\x00\x00\x00\x03\x00\x10\x00\x00", 10);
  Feed(reader, header, header.size());
  absl::StatusOr<std::optional<Frame>> next = reader.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(GetClientError(next.status()), (ClientError{ErrorKind::kProtocol, std::nullopt}));
  EXPECT_NE(next.status().message().find("1048586"), absl::string_view::npos) << next.status();
  EXPECT_NE(next.status().message().find("1024"), absl::string_view::npos) << next.status();
  // Poisoned: the same error again, even with more bytes.
  Feed(reader, std::string(10, '\0'), 10);
  EXPECT_EQ(reader.Next().status(), next.status());
}

TEST(FrameReaderTest, WaitsForMoreBytesBelowTheLimit) {
  FrameReader reader(/*max_frame_bytes=*/1024);
  std::string wire = Encoded(Deliver(1, "payload"));
  Feed(reader, wire.substr(0, wire.size() - 1), wire.size());
  absl::StatusOr<std::optional<Frame>> next = reader.Next();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
}

TEST(FrameReaderTest, MalformedPayloadIsACodecError) {
  FrameReader reader;
  // Ping with one payload byte: trailing bytes.
  Feed(reader, std::string("\x13\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00", 11), 11);
  absl::StatusOr<std::optional<Frame>> next = reader.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(GetReasonCode(next.status()), protocol::ToWire(protocol::ReasonCode::kCodecError));
}

TEST(FrameReaderTest, WrongStreamIsAnInvalidStreamError) {
  FrameReader reader;
  // Ping on stream 1.
  Feed(reader, std::string("\x13\x00\x00\x00\x00\x01\x00\x00\x00\x00", 10), 10);
  absl::StatusOr<std::optional<Frame>> next = reader.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(GetReasonCode(next.status()), protocol::ToWire(protocol::ReasonCode::kInvalidStream));
}

}  // namespace
}  // namespace liminal::client
