// Properties of the frame codec:
//  * decode(encode(f)) == f, byte-exact and fully consumed, for generated frames of every
//    kind (100 cases per kind);
//  * any byte string, random or a mutated valid frame, decodes exactly as the §1.2 order
//    predicts from its header alone, without crashing; successes re-encode to the bytes
//    they consumed (an explicit empty activity census aside, which re-encodes as none);
//  * a WorkerRegister with an explicit empty census decodes like one without;
//  * every proper prefix of an encoding needs more bytes;
//  * back-to-back frames decode one after another;
//  * frames on the wrong stream class are refused by the encoder and the decoder.
// gtest first: rapidcheck's integration header uses it without including it.
#include "gtest/gtest.h"
// (separate block so include sorting keeps the order)
#include <rapidcheck/gtest.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/protocol/big_endian.h"
#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/frame_header.h"
#include "core/protocol/frame_type.h"
#include "core/protocol/utf8.h"
#include "tests/property/protocol/frame_generators.h"

namespace liminal::protocol {
namespace {

using testing::GenFrameOfKind;
using testing::GenOpaqueBytes;
using testing::kFrameKinds;

std::string Encode(const Frame& frame) {
  std::string out;
  const absl::Status status = EncodeFrame(frame, out);
  RC_ASSERT(status.ok());
  return out;
}

// `wire`, a WorkerRegister encoded without a census, with the newest SDKs' explicit empty
// census appended: four zero bytes after `identity` (reference-compat.md §1b), counted in the
// header's payload length.
std::string WithEmptyCensusTail(const std::string& wire) {
  std::string tailed = wire + std::string(4, '\0');
  StoreBigEndian<uint32_t>(LoadBigEndian<uint32_t>(wire.data() + 6) + 4, tailed.data() + 6);
  return tailed;
}

// Whether re-encoding the frame decoded from `consumed` gives those bytes back. The one
// non-canonical form the decoder accepts is a WorkerRegister whose census is present but
// empty: the encoder leaves an empty census out.
bool ReencodesTo(const Frame& frame, std::string_view consumed) {
  const std::string encoded = Encode(frame);
  if (encoded == consumed) return true;
  const auto* registration = std::get_if<WorkerRegister>(&frame.body);
  return registration != nullptr && registration->activities.empty() &&
         WithEmptyCensusTail(encoded) == consumed;
}

// Checks DecodeFrame(bytes) against what §1.2 says from the header alone.
void CheckDecodeFollowsTheSpecOrder(const std::string& bytes) {
  const DecodeResult result = DecodeFrame(bytes);
  const std::optional<FrameHeader> header = PeekFrameHeader(bytes);
  if (bytes.size() < kFrameHeaderSize) {
    RC_ASSERT(!header.has_value());
    RC_ASSERT(!result.ok());
    RC_ASSERT(result.error().error_class == DecodeErrorClass::kIncompleteHeader);
    return;
  }
  RC_ASSERT(header.has_value());
  if (bytes.size() < header->frame_size()) {
    RC_ASSERT(!result.ok());
    RC_ASSERT(result.error().error_class == DecodeErrorClass::kTruncatedPayload);
    return;
  }
  const bool known = IsKnownFrameType(header->type_id);
  const bool wrong_stream = known && IsControlFrameType(static_cast<FrameType>(header->type_id)) !=
                                         (header->stream_id == 0);
  if (!known) RC_ASSERT(result.ok());  // unknown ids are never an error
  if (wrong_stream) {
    RC_ASSERT(!result.ok());
    RC_ASSERT(result.error().error_class == DecodeErrorClass::kInvalidStream);
    return;
  }
  if (!result.ok()) {
    RC_ASSERT(result.error().error_class == DecodeErrorClass::kCodecError);
    RC_ASSERT(!result.error().detail.empty());
    return;
  }
  RC_ASSERT(result.consumed() == header->frame_size());
  RC_ASSERT(result.consumed() <= bytes.size());
  RC_ASSERT(result.frame().type_id() == header->type_id);
  RC_ASSERT(result.frame().flags == header->flags);
  RC_ASSERT(result.frame().stream_id == header->stream_id);
  RC_ASSERT(ReencodesTo(result.frame(), std::string_view(bytes).substr(0, result.consumed())));
}

TEST(CodecPropertiesTest, RoundTripForEveryFrameKind) {
  for (size_t kind = 0; kind < kFrameKinds; ++kind) {
    const bool passed =
        rc::check("round trip, FrameBody alternative " + std::to_string(kind), [kind] {
          const Frame frame = *GenFrameOfKind(kind);
          const std::string wire = Encode(frame);
          const DecodeResult result = DecodeFrame(wire);
          RC_ASSERT(result.ok());
          RC_ASSERT(result.frame() == frame);
          RC_ASSERT(result.consumed() == wire.size());
          RC_ASSERT(frame.body.index() == kind);
        });
    EXPECT_TRUE(passed) << "FrameBody alternative " << kind;
  }
}

RC_GTEST_PROP(CodecPropertiesTest, ExplicitEmptyCensusDecodesLikeNone,
              (const WorkerRegister& generated)) {
  WorkerRegister registration = generated;
  registration.activities.clear();
  const Frame frame = MakeFrame(registration);
  const std::string tailed = WithEmptyCensusTail(Encode(frame));
  const DecodeResult result = DecodeFrame(tailed);
  RC_ASSERT(result.ok());
  RC_ASSERT(result.frame() == frame);
  RC_ASSERT(result.consumed() == tailed.size());
}

RC_GTEST_PROP(CodecPropertiesTest, EncodingAppendsAndIsDeterministic,
              (const Frame& frame, const std::string& prefix)) {
  std::string out = prefix;
  RC_ASSERT(EncodeFrame(frame, out).ok());
  RC_ASSERT(out.substr(0, prefix.size()) == prefix);
  RC_ASSERT(out.substr(prefix.size()) == Encode(frame));
}

// The server's fan-out path encodes Deliver from a shared envelope under the subscription's
// schema id; it must produce the very bytes the general encoder does for the envelope with
// that id, appended after whatever the batch already holds.
RC_GTEST_PROP(CodecPropertiesTest, EncodeDeliverMatchesEncodeFrame,
              (const Envelope& envelope, uint64_t seq, const std::string& prefix)) {
  const auto stream_id = *rc::gen::inRange<uint32_t>(1, 0xFFFFFFFF);
  const SchemaId selected = *rc::gen::arbitrary<SchemaId>();
  std::string direct = prefix;
  RC_ASSERT(EncodeDeliver(stream_id, seq, selected, envelope, direct).ok());
  Envelope expected = envelope;
  expected.schema_id = selected;
  RC_ASSERT(direct == prefix + Encode(MakeFrame(Deliver{seq, expected}, stream_id)));
}

// The gathered fan-out path writes Deliver without its payload and sends the payload from
// the envelope: the two together are EncodeDeliver's bytes, whatever the causal context.
RC_GTEST_PROP(CodecPropertiesTest, EncodeDeliverPrefixThenPayloadIsEncodeDeliver,
              (const Envelope& envelope, uint64_t seq, const std::string& prefix)) {
  const auto stream_id = *rc::gen::inRange<uint32_t>(1, 0xFFFFFFFF);
  const SchemaId selected = *rc::gen::arbitrary<SchemaId>();
  std::string whole = prefix;
  RC_ASSERT(EncodeDeliver(stream_id, seq, selected, envelope, whole).ok());
  std::string gathered = prefix;
  RC_ASSERT(EncodeDeliverPrefix(stream_id, seq, selected, envelope, gathered).ok());
  RC_ASSERT(gathered + envelope.payload == whole);
  std::string refused = prefix;
  RC_ASSERT(!EncodeDeliverPrefix(/*stream_id=*/0, seq, selected, envelope, refused).ok());
  RC_ASSERT(refused == prefix);
}

// The client's publish path encodes a Publish without building a Frame.
RC_GTEST_PROP(CodecPropertiesTest, EncodePublishMatchesEncodeFrame,
              (const Publish& publish, const std::string& prefix)) {
  const auto stream_id = *rc::gen::inRange<uint32_t>(1, 0xFFFFFFFF);
  std::string direct = prefix;
  RC_ASSERT(EncodePublish(stream_id, publish, direct).ok());
  RC_ASSERT(direct == prefix + Encode(MakeFrame(publish, stream_id)));
}

RC_GTEST_PROP(CodecPropertiesTest, TextIsStrictUtf8, ()) {
  RC_ASSERT(IsValidUtf8(*testing::GenUtf8Text()));
}

RC_GTEST_PROP(CodecPropertiesTest, EveryProperPrefixNeedsMoreBytes, (const Frame& frame)) {
  const std::string wire = Encode(frame);
  for (size_t size = 0; size < wire.size(); ++size) {
    const DecodeResult result = DecodeFrame(std::string_view(wire).substr(0, size));
    RC_ASSERT(!result.ok());
    RC_ASSERT(result.error().need_more_bytes());
    RC_ASSERT(result.error().error_class == (size < kFrameHeaderSize
                                                 ? DecodeErrorClass::kIncompleteHeader
                                                 : DecodeErrorClass::kTruncatedPayload));
  }
}

RC_GTEST_PROP(CodecPropertiesTest, ArbitraryBytesDecodeAsTheSpecOrderPredicts, ()) {
  CheckDecodeFollowsTheSpecOrder(*GenOpaqueBytes());
}

RC_GTEST_PROP(CodecPropertiesTest, ArbitraryPayloadsUnderAKnownHeader, (uint8_t flags)) {
  // Random bytes rarely form a complete frame; give them a consistent header so the payload
  // parsers see garbage of the right length.
  const auto type_id = *rc::gen::inRange<uint8_t>(0x01, 0x1A);
  const std::string payload = *GenOpaqueBytes();
  const uint32_t stream = IsControlFrameType(static_cast<FrameType>(type_id)) ? 0 : 1;
  std::string bytes{static_cast<char>(type_id), static_cast<char>(flags), 0, 0, 0,
                    static_cast<char>(stream)};
  const auto length = static_cast<uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(length >> shift));
  CheckDecodeFollowsTheSpecOrder(bytes + payload);
}

// A few random edits of a valid encoding.
std::string Mutate(std::string wire) {
  const int mutations = *rc::gen::inRange(1, 4);
  for (int i = 0; i < mutations; ++i) {
    switch (*rc::gen::inRange(0, 4)) {
      case 0:  // flip bits of one byte
        if (!wire.empty()) {
          const auto at = *rc::gen::inRange<size_t>(0, wire.size());
          wire[at] = static_cast<char>(wire[at] ^ *rc::gen::inRange<int>(1, 256));
        }
        break;
      case 1:  // truncate
        wire.resize(*rc::gen::inRange<size_t>(0, wire.size() + 1));
        break;
      case 2:  // append garbage
        wire += *GenOpaqueBytes();
        break;
      default:  // overwrite one byte of the header's length field (offsets 6..9)
        if (wire.size() >= kFrameHeaderSize) {
          wire[*rc::gen::inRange<size_t>(6, 10)] = *rc::gen::arbitrary<char>();
        }
        break;
    }
  }
  return wire;
}

RC_GTEST_PROP(CodecPropertiesTest, MutatedFramesDecodeAsTheSpecOrderPredicts,
              (const Frame& frame)) {
  const std::string wire = Encode(frame);
  for (int i = 0; i < 20; ++i) CheckDecodeFollowsTheSpecOrder(Mutate(wire));
}

RC_GTEST_PROP(CodecPropertiesTest, BackToBackFramesDecodeInOrder, ()) {
  const auto frames = *rc::gen::scale(0.1, rc::gen::arbitrary<std::vector<Frame>>());
  std::string wire;
  for (const Frame& frame : frames) RC_ASSERT(EncodeFrame(frame, wire).ok());
  std::string_view rest = wire;
  for (const Frame& frame : frames) {
    const DecodeResult result = DecodeFrame(rest);
    RC_ASSERT(result.ok());
    RC_ASSERT(result.frame() == frame);
    rest.remove_prefix(result.consumed());
  }
  RC_ASSERT(rest.empty());
}

RC_GTEST_PROP(CodecPropertiesTest, WrongStreamClassIsRefusedBothWays, (const Frame& frame)) {
  RC_PRE(!std::holds_alternative<UnknownFrame>(frame.body));
  const bool control = IsControlFrameType(static_cast<FrameType>(frame.type_id()));
  Frame moved = frame;
  moved.stream_id = control ? *rc::gen::inRange<uint32_t>(1, 0xFFFFFFFF) : 0;
  std::string out = "keep";
  RC_ASSERT(absl::IsInvalidArgument(EncodeFrame(moved, out)));
  RC_ASSERT(out == "keep");

  // The same move in the wire bytes is an InvalidStream, whatever the payload.
  std::string wire = Encode(frame);
  for (int i = 0; i < 4; ++i) {
    wire[2 + i] = static_cast<char>(moved.stream_id >> (8 * (3 - i)));
  }
  const DecodeResult result = DecodeFrame(wire);
  RC_ASSERT(!result.ok());
  RC_ASSERT(result.error().error_class == DecodeErrorClass::kInvalidStream);
}

}  // namespace
}  // namespace liminal::protocol
