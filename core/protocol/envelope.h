// The message envelope carried by Publish, ConversationMessage and Deliver
// (wire-protocol.md §3): a 32-byte schema id, a causal context, and an opaque payload.
#ifndef LIMINAL_CORE_PROTOCOL_ENVELOPE_H_
#define LIMINAL_CORE_PROTOCOL_ENVELOPE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace liminal::protocol {

// Opaque content hash identifying a schema; compared byte for byte.
using SchemaId = std::array<uint8_t, 32>;

// Causal metadata (§3.2). Both parts are optional; "independent" has neither.
struct CausalContext {
  std::optional<std::string> parent_id;  // strict UTF-8
  std::optional<uint64_t> vector_clock;

  bool independent() const { return !parent_id.has_value() && !vector_clock.has_value(); }
  friend bool operator==(const CausalContext&, const CausalContext&) = default;
};

// How an envelope carries the independent causal context on the wire: u32 length 2, then
// two absent tags. Nearly every message has it, so the codec's fast paths write and match
// these bytes whole.
inline constexpr std::string_view kIndependentCausalWire{"\0\0\0\2\0\0", 6};

struct Envelope {
  SchemaId schema_id{};
  CausalContext causal;
  std::string payload;  // opaque bytes

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_ENVELOPE_H_
