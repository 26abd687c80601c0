#include "core/protocol/byte_writer.h"

namespace liminal::protocol {

void ByteWriter::PatchU32(size_t offset, uint32_t value) {
  for (size_t i = 0; i < 4; ++i) {
    out_[offset + i] = static_cast<char>(static_cast<uint8_t>(value >> (8 * (3 - i))));
  }
}

}  // namespace liminal::protocol
