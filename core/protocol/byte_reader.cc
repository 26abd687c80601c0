#include "core/protocol/byte_reader.h"

namespace liminal::protocol {

template <typename T>
bool ByteReader::ReadBigEndian(T& out) {
  if (bytes_.size() < sizeof(T)) return false;
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value = static_cast<T>((value << 8) | static_cast<unsigned char>(bytes_[i]));
  }
  bytes_.remove_prefix(sizeof(T));
  out = value;
  return true;
}

bool ByteReader::ReadU8(uint8_t& out) { return ReadBigEndian(out); }
bool ByteReader::ReadU16(uint16_t& out) { return ReadBigEndian(out); }
bool ByteReader::ReadU32(uint32_t& out) { return ReadBigEndian(out); }
bool ByteReader::ReadU64(uint64_t& out) { return ReadBigEndian(out); }

bool ByteReader::ReadRaw(uint64_t length, std::string_view& out) {
  if (length > bytes_.size()) return false;
  out = bytes_.substr(0, static_cast<size_t>(length));
  bytes_.remove_prefix(static_cast<size_t>(length));
  return true;
}

}  // namespace liminal::protocol
