// Loads the reference codec's conformance vectors (../shared/spec/vectors, located through
// the LIMINAL_SHARED_DIR compile definition) for the conformance and tool tests.
//
//   absl::StatusOr<std::vector<ConformanceVector>> valid = LoadConformanceVectors(kValidVectors);
//   ASSERT_TRUE(valid.ok()) << valid.status();      // a missing file is a failure, not a skip
//   for (const ConformanceVector& v : *valid) { v.bytes; v.json.at("frame"); ... }
#ifndef LIMINAL_TESTS_UNIT_PROTOCOL_CONFORMANCE_VECTORS_H_
#define LIMINAL_TESTS_UNIT_PROTOCOL_CONFORMANCE_VECTORS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/frame_json.h"

namespace liminal::protocol::testing {

inline constexpr std::string_view kValidVectors = "frames-valid.jsonl";      // 208 lines
inline constexpr std::string_view kCorruptVectors = "frames-corrupt.jsonl";  // 400 lines

struct ConformanceVector {
  std::string where;      // "frames-valid.jsonl:12", for failure messages
  std::string hex;        // the line's "hex", as written
  std::string bytes;      // the same, decoded
  tools::FrameJson json;  // the whole line
};

// Every line of `file`; an error if the file is missing or a line is not a vector.
absl::StatusOr<std::vector<ConformanceVector>> LoadConformanceVectors(std::string_view file);

}  // namespace liminal::protocol::testing

#endif  // LIMINAL_TESTS_UNIT_PROTOCOL_CONFORMANCE_VECTORS_H_
