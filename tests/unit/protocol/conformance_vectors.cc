#include "tests/unit/protocol/conformance_vectors.h"

#include <fstream>

#include "absl/strings/str_format.h"
#include "tools/hex.h"

namespace liminal::protocol::testing {

absl::StatusOr<std::vector<ConformanceVector>> LoadConformanceVectors(std::string_view file) {
  const std::string path = absl::StrFormat("%s/spec/vectors/%s", LIMINAL_SHARED_DIR, file);
  std::ifstream in(path);
  if (!in.is_open()) {
    return absl::NotFoundError(absl::StrFormat(
        "cannot open %s (point the CMake cache variable LIMINAL_SHARED_DIR at the shared "
        "directory)",
        path));
  }
  std::vector<ConformanceVector> vectors;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    ConformanceVector vector;
    vector.where = absl::StrFormat("%s:%d", file, number);
    vector.json = tools::FrameJson::parse(line, nullptr, /*allow_exceptions=*/false);
    if (vector.json.is_discarded() || !vector.json.is_object() || !vector.json.contains("hex") ||
        !vector.json.at("hex").is_string()) {
      return absl::DataLossError(vector.where + ": not a vector line");
    }
    vector.hex = vector.json.at("hex").get<std::string>();
    absl::StatusOr<std::string> bytes = tools::HexToBytes(vector.hex);
    if (!bytes.ok()) {
      return absl::DataLossError(absl::StrFormat("%s: %s", vector.where, bytes.status().message()));
    }
    vector.bytes = *std::move(bytes);
    vectors.push_back(std::move(vector));
  }
  return vectors;
}

}  // namespace liminal::protocol::testing
