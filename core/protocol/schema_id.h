// Channel schema ids, derived exactly as the reference server 0.2.3 and its SDK derive them
// (reference-compat.md §3), so that ids a client computes from a schema file match the
// server's: FNV-1a 64 over the schema file's bytes (or "{}" for a channel without a schema),
// then four 8-byte blocks, block 0 that hash big-endian and each later block the FNV-1a 64 of
// the previous block's bytes.
//
//   protocol::SchemaId id = protocol::SchemaIdOf(schema_file_bytes);
//   protocol::SchemaId none = protocol::SchemaIdOf(protocol::kNoSchemaDocument);
#ifndef LIMINAL_CORE_PROTOCOL_SCHEMA_ID_H_
#define LIMINAL_CORE_PROTOCOL_SCHEMA_ID_H_

#include <cstdint>
#include <string_view>

#include "core/protocol/envelope.h"

namespace liminal::protocol {

// What a channel without a schema file is hashed as.
inline constexpr std::string_view kNoSchemaDocument = "{}";

// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
uint64_t Fnv1a64(std::string_view bytes);

// The 32-byte schema id of a schema document's exact bytes.
SchemaId SchemaIdOf(std::string_view schema_document);

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_SCHEMA_ID_H_
