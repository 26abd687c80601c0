// How a durable channel's log stores an envelope: the wire encoding of an envelope `bytes`
// field (wire-protocol.md §3: u32 length, schema id, causal context, payload), so a record
// holds exactly what the publisher sent and decodes with the codec's own reader.
//
//   std::string bytes = EncodeStoredEnvelope(envelope);
//   absl::StatusOr<protocol::Envelope> back = DecodeStoredEnvelope(bytes);
#ifndef LIMINAL_CORE_SERVER_SERVICES_STORED_ENVELOPE_H_
#define LIMINAL_CORE_SERVER_SERVICES_STORED_ENVELOPE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/protocol/envelope.h"

namespace liminal::server::services {

std::string EncodeStoredEnvelope(const protocol::Envelope& envelope);
// DataLoss when the bytes are not exactly one envelope.
absl::StatusOr<protocol::Envelope> DecodeStoredEnvelope(std::string_view bytes);

}  // namespace liminal::server::services

#endif  // LIMINAL_CORE_SERVER_SERVICES_STORED_ENVELOPE_H_
