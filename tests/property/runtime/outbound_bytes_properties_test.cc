// Properties of OutboundBytes against a model string: the wire bytes are the calls' bytes in
// call order however owned appends and splices interleave, and a partial send's
// RemovePrefix() leaves exactly the model's suffix, pieces and size included.
#include "gtest/gtest.h"
// (separate block so include sorting keeps the order)
#include <rapidcheck/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/outbound_bytes.h"

namespace liminal::runtime {
namespace {

std::string Pieces(const OutboundBytes& bytes) {
  std::string joined;
  size_t pieces = 0;
  bytes.ForEachPiece([&](std::string_view piece) {
    RC_ASSERT(!piece.empty());
    joined.append(piece);
    ++pieces;
  });
  RC_ASSERT(pieces <= bytes.max_pieces());
  return joined;
}

// Appends owned bytes or splices a shared string, at random, to both `bytes` and `model`.
void AppendRandomly(OutboundBytes& bytes, std::string& model) {
  const int steps = *rc::gen::inRange(0, 12);
  for (int i = 0; i < steps; ++i) {
    const std::string text = *rc::gen::arbitrary<std::string>();
    if (*rc::gen::arbitrary<bool>()) {
      bytes.bytes().append(text);
    } else {
      auto owner = std::make_shared<const std::string>(text);
      bytes.Splice(owner, *owner);
    }
    model.append(text);
  }
}

RC_GTEST_PROP(OutboundBytesPropertiesTest, ReadsBackInCallOrderAfterAnyPartialSends, ()) {
  OutboundBytes bytes;
  std::string model;
  AppendRandomly(bytes, model);
  const int sends = *rc::gen::inRange(0, 5);
  for (int i = 0; i < sends; ++i) {
    const size_t sent = *rc::gen::inRange<size_t>(0, model.size() + 1);
    bytes.RemovePrefix(sent);
    model.erase(0, sent);
    RC_ASSERT(bytes.size() == model.size());
    RC_ASSERT(Pieces(bytes) == model);
    AppendRandomly(bytes, model);  // encoders may go on appending after a partial send
  }
  RC_ASSERT(bytes.size() == model.size());
  RC_ASSERT(bytes.empty() == model.empty());
  RC_ASSERT(Pieces(bytes) == model);
  RC_ASSERT(std::move(bytes).Flatten() == model);
  RC_ASSERT(bytes.empty());
}

TEST(OutboundBytesTest, HoldsSplicedOwnersUntilDestroyedOrFlattened) {
  auto payload = std::make_shared<const std::string>(4096, 'p');
  std::weak_ptr<const std::string> watch = payload;
  auto batch = std::make_unique<OutboundBytes>(std::string("head"));
  batch->Splice(payload, *payload);
  batch->bytes().append("tail");
  payload.reset();
  ASSERT_FALSE(watch.expired());  // the batch keeps the spliced bytes alive
  EXPECT_EQ(batch->size(), 4 + 4096 + 4u);
  const std::string flat = std::move(*batch).Flatten();
  EXPECT_EQ(flat, "head" + std::string(4096, 'p') + "tail");
  EXPECT_TRUE(watch.expired());  // flattening copied them and let go
  EXPECT_TRUE(batch->empty());
}

TEST(OutboundBytesTest, RemovingEverythingDropsEveryOwner) {
  auto payload = std::make_shared<const std::string>("payload");
  std::weak_ptr<const std::string> watch = payload;
  OutboundBytes batch;
  const std::string_view range = *payload;
  batch.Splice(std::move(payload), range);
  batch.RemovePrefix(batch.size());
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace liminal::runtime
