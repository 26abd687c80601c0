// Conformance against the reference codec's vectors (../shared/spec/vectors). Missing or
// short vector files fail the suite: they are the contract, not optional extras.
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/protocol/decode_error.h"
#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "gtest/gtest.h"
#include "tests/unit/protocol/conformance_vectors.h"
#include "tools/frame_json.h"

namespace liminal::protocol {
namespace {

using testing::ConformanceVector;
using testing::LoadConformanceVectors;
using tools::FrameJson;

TEST(FrameVectorsTest, EveryValidFrameDecodesExactlyAndReencodesIdentically) {
  const absl::StatusOr<std::vector<ConformanceVector>> vectors =
      LoadConformanceVectors(testing::kValidVectors);
  ASSERT_TRUE(vectors.ok()) << vectors.status();
  ASSERT_EQ(vectors->size(), 208u) << "frames-valid.jsonl should hold 208 frames";
  std::map<std::string, int> per_type;
  for (const ConformanceVector& vector : *vectors) {
    SCOPED_TRACE(vector.where);
    const std::string& bytes = vector.bytes;
    const FrameJson& expected_json = vector.json.at("frame");
    ++per_type[expected_json.at("type").get<std::string>()];

    absl::StatusOr<Frame> expected = tools::FrameFromJson(expected_json);
    ASSERT_TRUE(expected.ok()) << expected.status();

    const DecodeResult result = DecodeFrame(bytes);
    ASSERT_TRUE(result.ok()) << DecodeErrorClassName(result.error().error_class) << ": "
                             << result.error().detail;
    EXPECT_EQ(result.frame(), *expected);
    EXPECT_EQ(result.consumed(), bytes.size());
    EXPECT_EQ(tools::FrameToJson(result.frame()), expected_json);

    std::string encoded = "prefix";  // encoding appends
    ASSERT_TRUE(EncodeFrame(*expected, encoded).ok());
    EXPECT_EQ(encoded, "prefix" + bytes);
  }
  // 8 frames of each of the 26 kinds (24 types of 0.2.1, Deliver, Unknown).
  EXPECT_EQ(per_type.size(), 26u);
  for (const auto& [type, count] : per_type) EXPECT_EQ(count, 8) << type;
}

TEST(FrameVectorsTest, EveryCorruptInputGivesTheReferenceVerdict) {
  const absl::StatusOr<std::vector<ConformanceVector>> vectors =
      LoadConformanceVectors(testing::kCorruptVectors);
  ASSERT_TRUE(vectors.ok()) << vectors.status();
  ASSERT_EQ(vectors->size(), 400u) << "frames-corrupt.jsonl should hold 400 inputs";
  std::map<std::string, int> per_verdict;
  for (const ConformanceVector& vector : *vectors) {
    SCOPED_TRACE(vector.where);
    const std::string& bytes = vector.bytes;
    const FrameJson& expect = vector.json.at("expect");
    const DecodeResult result = DecodeFrame(bytes);

    if (expect.contains("error")) {
      const std::string expected_class = expect.at("error").get<std::string>();
      ++per_verdict[expected_class];
      ASSERT_FALSE(result.ok()) << "decoded a frame; expected " << expected_class;
      EXPECT_EQ(DecodeErrorClassName(result.error().error_class), expected_class)
          << result.error().detail;
    } else {
      ++per_verdict["ok"];
      absl::StatusOr<Frame> expected = tools::FrameFromJson(expect.at("ok"));
      ASSERT_TRUE(expected.ok()) << expected.status();
      ASSERT_TRUE(result.ok()) << DecodeErrorClassName(result.error().error_class) << ": "
                               << result.error().detail;
      EXPECT_EQ(result.frame(), *expected);
      EXPECT_EQ(result.consumed(), expect.at("consumed").get<size_t>());
    }
    EXPECT_EQ(tools::DecodeResultToJson(result), expect);
  }
  // The file exercises every verdict; make sure none silently vanished.
  for (const char* verdict :
       {"ok", "IncompleteHeader", "TruncatedPayload", "InvalidStream", "CodecError"}) {
    EXPECT_GT(per_verdict[verdict], 0) << verdict;
  }
}

}  // namespace
}  // namespace liminal::protocol
