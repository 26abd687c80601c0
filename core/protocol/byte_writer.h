// Big-endian appending of fixed-width integers and raw bytes to a caller-owned std::string
// (wire-protocol.md §0). The building block of the payload encoder.
//
//   ByteWriter writer(out);
//   size_t at = writer.size();
//   writer.AppendU32(0);               // placeholder
//   writer.AppendRaw(body);
//   writer.PatchU32(at, body_size);    // fill the placeholder in afterwards
//
// It only appends (or patches bytes it already appended); it never validates.
#ifndef LIMINAL_CORE_PROTOCOL_BYTE_WRITER_H_
#define LIMINAL_CORE_PROTOCOL_BYTE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/protocol/big_endian.h"

namespace liminal::protocol {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  // Current size of the underlying buffer (an offset usable with PatchU32).
  size_t size() const { return out_.size(); }

  void AppendU8(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void AppendU16(uint16_t value) { AppendBigEndian(value); }
  void AppendU32(uint32_t value) { AppendBigEndian(value); }
  void AppendU64(uint64_t value) { AppendBigEndian(value); }
  void AppendRaw(std::string_view bytes) { out_.append(bytes); }

  // Overwrites the 4 bytes at `offset` (which must already exist) with `value`.
  void PatchU32(size_t offset, uint32_t value) { StoreBigEndian(value, out_.data() + offset); }

 private:
  template <typename T>
  void AppendBigEndian(T value) {
    char bytes[sizeof(T)];
    StoreBigEndian(value, bytes);
    out_.append(bytes, sizeof(T));
  }

  std::string& out_;
};

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_BYTE_WRITER_H_
