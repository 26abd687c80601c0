// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every log record.
// A small table-driven implementation lives here because core/ may not use Boost (banned
// from core by cmake/CheckCoreIsolation.cmake) and Debian 12's Abseil (20220623) predates
// absl/crc. The unit test checks it against RFC 3720's vectors and boost::crc_optimal.
//
//   uint32_t crc = Crc32c("123456789");          // 0xE3069283
//   crc = ExtendCrc32c(Crc32c(head), tail);      // == Crc32c(head + tail)
#ifndef LIMINAL_CORE_STORAGE_CRC32C_H_
#define LIMINAL_CORE_STORAGE_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace liminal::storage {

// The CRC32C of `data` appended to bytes whose CRC32C is `crc` (0 for no bytes).
uint32_t ExtendCrc32c(uint32_t crc, std::string_view data);

inline uint32_t Crc32c(std::string_view data) { return ExtendCrc32c(0, data); }

}  // namespace liminal::storage

#endif  // LIMINAL_CORE_STORAGE_CRC32C_H_
