#include "core/protocol/frame_header.h"

#include "core/protocol/byte_reader.h"
#include "core/protocol/frame_type.h"

namespace liminal::protocol {

std::optional<FrameHeader> PeekFrameHeader(std::string_view bytes) {
  if (bytes.size() < kFrameHeaderSize) return std::nullopt;
  ByteReader reader(bytes.substr(0, kFrameHeaderSize));
  FrameHeader header;
  // Cannot fail: exactly kFrameHeaderSize bytes are available for 1 + 1 + 4 + 4.
  const bool complete = reader.ReadU8(header.type_id) && reader.ReadU8(header.flags) &&
                        reader.ReadU32(header.stream_id) && reader.ReadU32(header.payload_length);
  if (!complete) return std::nullopt;
  return header;
}

}  // namespace liminal::protocol
