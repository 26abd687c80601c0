// Bounds-checked, big-endian reading of fixed-width integers and raw byte runs from a
// byte span (wire-protocol.md §0). The building block of the payload decoder.
//
//   ByteReader reader(payload);
//   uint32_t length = 0;
//   std::string_view raw;
//   if (!reader.ReadU32(length) || !reader.ReadRaw(length, raw)) { /* ran past the end */ }
//
// A failed read consumes nothing and leaves its output untouched. The reader never looks
// outside the span it was given and never copies. Everything is inline: it runs once per
// field of every frame decoded.
#ifndef LIMINAL_CORE_PROTOCOL_BYTE_READER_H_
#define LIMINAL_CORE_PROTOCOL_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/protocol/big_endian.h"

namespace liminal::protocol {

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}

  size_t remaining() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  bool ReadU8(uint8_t& out) { return ReadBigEndian(out); }
  bool ReadU16(uint16_t& out) { return ReadBigEndian(out); }
  bool ReadU32(uint32_t& out) { return ReadBigEndian(out); }
  bool ReadU64(uint64_t& out) { return ReadBigEndian(out); }

  // The next `length` bytes, as a view into the original span. `length` may be any
  // 64-bit value; anything longer than remaining() fails.
  bool ReadRaw(uint64_t length, std::string_view& out) {
    if (length > bytes_.size()) return false;
    out = bytes_.substr(0, static_cast<size_t>(length));
    bytes_.remove_prefix(static_cast<size_t>(length));
    return true;
  }

 private:
  template <typename T>
  bool ReadBigEndian(T& out) {
    if (bytes_.size() < sizeof(T)) return false;
    out = LoadBigEndian<T>(bytes_.data());
    bytes_.remove_prefix(sizeof(T));
    return true;
  }

  std::string_view bytes_;
};

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_BYTE_READER_H_
