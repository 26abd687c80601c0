#include "tests/unit/protocol/test_bytes.h"

#include <cstdio>
#include <cstdlib>

#include "absl/status/statusor.h"
#include "tools/hex.h"

namespace liminal::protocol::testing {

std::string Bytes(std::string_view spec_hex) {
  std::string hex(spec_hex);
  for (char& c : hex) {
    if (c == '|') c = ' ';
  }
  absl::StatusOr<std::string> bytes = tools::HexToBytes(hex, tools::HexWhitespace::kAllow);
  if (!bytes.ok()) {
    std::fprintf(stderr, "bad hex in test: %s\n", std::string(bytes.status().message()).c_str());
    std::abort();
  }
  return *std::move(bytes);
}

std::string Repeat(uint8_t byte, size_t count) {
  return std::string(count, static_cast<char>(byte));
}

}  // namespace liminal::protocol::testing
