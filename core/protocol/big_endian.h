// Loading and storing fixed-width unsigned integers in network byte order (wire-protocol.md
// §0: every integer on the wire is big-endian) as single whole-word moves: the codec reads
// and writes several per frame, and byte-at-a-time loops cost store-forwarding stalls.
//
//   uint32_t length = LoadBigEndian<uint32_t>(bytes.data());
//   StoreBigEndian<uint64_t>(seq, buffer + 10);
#ifndef LIMINAL_CORE_PROTOCOL_BIG_ENDIAN_H_
#define LIMINAL_CORE_PROTOCOL_BIG_ENDIAN_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace liminal::protocol {

template <typename T>
constexpr T ByteSwapIfLittleEndian(T value) {
  static_assert(std::is_unsigned_v<T>);
  if constexpr (std::endian::native == std::endian::big || sizeof(T) == 1) {
    return value;
  } else if constexpr (sizeof(T) == 2) {
    return __builtin_bswap16(value);
  } else if constexpr (sizeof(T) == 4) {
    return __builtin_bswap32(value);
  } else {
    static_assert(sizeof(T) == 8);
    return __builtin_bswap64(value);
  }
}

// Reads sizeof(T) bytes at `at` (no alignment needed).
template <typename T>
T LoadBigEndian(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return ByteSwapIfLittleEndian(value);
}

// Writes `value` into the sizeof(T) bytes at `at` (no alignment needed).
template <typename T>
void StoreBigEndian(T value, char* at) {
  value = ByteSwapIfLittleEndian(value);
  std::memcpy(at, &value, sizeof(T));
}

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_BIG_ENDIAN_H_
