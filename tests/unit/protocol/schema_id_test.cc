// Channel schema ids: the reference 0.2.3 / SDK derivation (reference-compat.md §3), checked
// against the spec's vectors.
#include "core/protocol/schema_id.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/escaping.h"

namespace liminal::protocol {
namespace {

std::string Hex(const SchemaId& id) {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

TEST(SchemaIdTest, Fnv1a64OfNothingIsTheOffsetBasis) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);  // the published FNV-1a 64 test vector
}

TEST(SchemaIdTest, MatchesTheSpecVectors) {
  EXPECT_EQ(Hex(SchemaIdOf(kNoSchemaDocument)),
            "08f44b07b5901a25d1e17335725217d3115bb35de7b287a54bb3187d127cc0f4");
  EXPECT_EQ(Hex(SchemaIdOf(R"({"type":"object"})")),
            "9cdd4c929f357a54a3487ad228e2e8decbc9c8f5a66129164e5e38a91849a424");
  EXPECT_EQ(Hex(SchemaIdOf("{\"type\":\"object\",\"required\":[\"id\"]}\n")),
            "16b7d6ef450c92ec995733644ca0cffea623dc944e699adb1fb3a2ed29abb780");
  EXPECT_EQ(Hex(SchemaIdOf("")),
            "cbf29ce4842223254645b230cece75b2d69ee3286930c3256c2eb992069de0c3");
}

TEST(SchemaIdTest, EveryByteCounts) {
  EXPECT_NE(SchemaIdOf(std::string("a\0b", 3)), SchemaIdOf("ab"));
  EXPECT_NE(SchemaIdOf("{}\n"), SchemaIdOf("{}"));
}

}  // namespace
}  // namespace liminal::protocol
