// Properties of the frame stream: any split of a valid byte stream yields the same frames,
// and arbitrary bytes end in frames, "need more bytes" or a typed error — never a crash,
// never an error that is not the decoder's verdict or the limit.
#include "gtest/gtest.h"
// (separate block so include sorting keeps the order)
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "core/protocol/frame_stream.h"
#include "tests/property/protocol/frame_generators.h"

namespace liminal::protocol {
namespace {

std::string EncodeAll(const std::vector<Frame>& frames) {
  std::string wire;
  for (const Frame& frame : frames) RC_ASSERT(EncodeFrame(frame, wire).ok());
  return wire;
}

// Cut points into [0, size], sorted, duplicates allowed (empty pieces).
std::vector<size_t> GenCuts(size_t size) {
  std::vector<size_t> cuts =
      *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, size + 1));
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

RC_GTEST_PROP(FrameStreamPropertiesTest, AnySplitYieldsTheSameFrames,
              (const std::vector<Frame>& sent)) {
  const std::string wire = EncodeAll(sent);
  const std::vector<size_t> cuts = GenCuts(wire.size());
  FrameStream stream(FrameStream::kNoLimit);
  std::vector<Frame> received;
  size_t from = 0;
  auto feed = [&](size_t to) {
    const std::string_view piece = std::string_view(wire).substr(from, to - from);
    // Each read arrives one of three ways, mixed: in place, adopted, or copied.
    const int how = *rc::gen::inRange(0, 3);
    if (how == 0) {
      absl::Span<char> space = stream.WritableSpace(*rc::gen::inRange<size_t>(1, 4096));
      size_t done = 0;
      while (done < piece.size()) {
        if (space.empty()) space = stream.WritableSpace(piece.size() - done);
        const size_t n = std::min(space.size(), piece.size() - done);
        std::copy_n(piece.data() + done, n, space.data());
        stream.Commit(n);
        done += n;
        space = absl::Span<char>();
      }
    } else if (how == 1) {
      stream.Append(std::string(piece));
    } else {
      stream.Append(piece);
    }
    // Sometimes several reads arrive before the owner decodes (frames pile up in the carry).
    if (to == wire.size() || *rc::gen::arbitrary<bool>()) {
      while (std::optional<Frame> frame = stream.Next()) received.push_back(std::move(*frame));
    }
    from = to;
  };
  for (size_t cut : cuts) feed(cut);
  feed(wire.size());
  RC_ASSERT(stream.error() == nullptr);
  RC_ASSERT(stream.buffered_bytes() == 0u);
  RC_ASSERT(received == sent);
}

// Garbage: whatever comes out agrees with DecodeFrame on the same bytes, and a failure is a
// typed error with the server's reason code.
RC_GTEST_PROP(FrameStreamPropertiesTest, GarbageEndsInFramesOrATypedError, ()) {
  const std::string bytes = *testing::GenOpaqueBytes();
  const uint64_t limit = *rc::gen::inRange<uint64_t>(0, 512);
  FrameStream stream(limit);
  size_t offset = 0;  // where the next frame starts
  size_t fed = 0;
  std::vector<size_t> cuts = GenCuts(bytes.size());
  cuts.push_back(bytes.size());
  for (size_t cut : cuts) {
    const std::string_view piece = std::string_view(bytes).substr(fed, cut - fed);
    if (*rc::gen::arbitrary<bool>()) {
      stream.Append(std::string(piece));  // adopted: earlier undecoded bytes are carried
    } else {
      stream.Append(piece);
    }
    fed = cut;
    while (std::optional<Frame> frame = stream.Next()) {
      const DecodeResult direct = DecodeFrame(std::string_view(bytes).substr(offset, fed - offset));
      RC_ASSERT(direct.ok());
      RC_ASSERT(direct.frame() == *frame);
      offset += direct.consumed();
    }
  }
  RC_ASSERT(stream.buffered_bytes() == bytes.size() - offset);
  const std::string_view rest = std::string_view(bytes).substr(offset);
  const DecodeResult direct = DecodeFrame(rest);
  const FrameStreamError* error = stream.error();
  if (error == nullptr) {
    // Waiting for more: the decoder agrees, and the frame (if its header is here) fits.
    RC_ASSERT(!direct.ok());
    RC_ASSERT(direct.error().need_more_bytes());
    if (std::optional<FrameHeader> header = PeekFrameHeader(rest)) {
      RC_ASSERT(header->frame_size() <= stream.max_frame_bytes());
    }
  } else if (error->oversize()) {
    RC_ASSERT(error->header.frame_size() > stream.max_frame_bytes());
    RC_ASSERT(error->reason() == ReasonCode::kCodecError);
  } else {
    RC_ASSERT(!direct.ok());
    RC_ASSERT(!direct.error().need_more_bytes());
    RC_ASSERT(error->decode->error_class == direct.error().error_class);
    RC_ASSERT(error->reason() == ReasonFor(direct.error().error_class));
    RC_ASSERT(!error->Describe().empty());
  }
}

}  // namespace
}  // namespace liminal::protocol
