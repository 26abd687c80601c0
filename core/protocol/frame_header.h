// The fixed 10-byte frame header (wire-protocol.md §1.1) and a peek that exposes it as soon
// as 10 bytes are buffered, so a server can refuse an oversize frame before its payload
// arrives.
#ifndef LIMINAL_CORE_PROTOCOL_FRAME_HEADER_H_
#define LIMINAL_CORE_PROTOCOL_FRAME_HEADER_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/protocol/big_endian.h"
#include "core/protocol/frame_type.h"

namespace liminal::protocol {

struct FrameHeader {
  uint8_t type_id = 0;
  uint8_t flags = 0;
  uint32_t stream_id = 0;
  uint32_t payload_length = 0;

  // 10 + payload_length, computed in 64 bits.
  uint64_t frame_size() const { return 10 + static_cast<uint64_t>(payload_length); }
};

// nullopt while fewer than 10 bytes are available; never reads past `bytes`. Inline: every
// frame in and out is peeked at least once.
inline std::optional<FrameHeader> PeekFrameHeader(std::string_view bytes) {
  if (bytes.size() < kFrameHeaderSize) return std::nullopt;
  const char* at = bytes.data();
  return FrameHeader{.type_id = static_cast<uint8_t>(at[0]),
                     .flags = static_cast<uint8_t>(at[1]),
                     .stream_id = LoadBigEndian<uint32_t>(at + 2),
                     .payload_length = LoadBigEndian<uint32_t>(at + 6)};
}

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_FRAME_HEADER_H_
