#include "tools/hex.h"

#include "absl/strings/str_format.h"

namespace liminal::tools {
namespace {

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsHexWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::string BytesToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    hex.push_back(kDigits[value >> 4]);
    hex.push_back(kDigits[value & 0x0F]);
  }
  return hex;
}

absl::StatusOr<std::string> HexToBytes(std::string_view hex, HexWhitespace whitespace) {
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  int high = -1;  // first digit of a pending byte
  size_t digits = 0;
  for (size_t i = 0; i < hex.size(); ++i) {
    const char c = hex[i];
    if (whitespace == HexWhitespace::kAllow && IsHexWhitespace(c)) continue;
    const int value = HexDigitValue(c);
    if (value < 0) {
      const auto code = static_cast<unsigned char>(c);
      return absl::InvalidArgumentError(
          code >= 0x21 && code <= 0x7E
              ? absl::StrFormat("invalid hex: '%c' at offset %d is not a hex digit", c, i)
              : absl::StrFormat("invalid hex: byte 0x%02x at offset %d is not a hex digit", code,
                                i));
    }
    ++digits;
    if (high < 0) {
      high = value;
    } else {
      bytes.push_back(static_cast<char>((high << 4) | value));
      high = -1;
    }
  }
  if (high >= 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("invalid hex: odd number of digits (%d)", digits));
  }
  return bytes;
}

}  // namespace liminal::tools
