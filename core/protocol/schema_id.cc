#include "core/protocol/schema_id.h"

#include "core/protocol/big_endian.h"

namespace liminal::protocol {

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char byte : bytes) {
    hash ^= static_cast<uint8_t>(byte);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

SchemaId SchemaIdOf(std::string_view schema_document) {
  SchemaId id{};
  uint64_t block = Fnv1a64(schema_document);
  for (size_t offset = 0; offset < id.size(); offset += sizeof(block)) {
    char* out = reinterpret_cast<char*>(id.data() + offset);
    StoreBigEndian<uint64_t>(block, out);
    block = Fnv1a64(std::string_view(out, sizeof(block)));
  }
  return id;
}

}  // namespace liminal::protocol
