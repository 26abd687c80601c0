// Hex text <-> bytes, as used by the conformance vectors and the `liminal frame` tool.
//
//   std::string text = BytesToHex(bytes);                    // "0a1b..." (lower case)
//   absl::StatusOr<std::string> bytes = HexToBytes("0A 1b", HexWhitespace::kAllow);
//
// Parsing accepts either case, refuses anything that is not a hex digit (or whitespace when
// allowed) and an odd number of digits, and says where the problem is.
#ifndef LIMINAL_TOOLS_HEX_H_
#define LIMINAL_TOOLS_HEX_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace liminal::tools {

enum class HexWhitespace { kReject, kAllow };

std::string BytesToHex(std::string_view bytes);

absl::StatusOr<std::string> HexToBytes(std::string_view hex,
                                       HexWhitespace whitespace = HexWhitespace::kReject);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_HEX_H_
