#include "core/server/services/pubsub/stored_envelope.h"

#include "absl/strings/str_cat.h"
#include "core/protocol/payload_reader.h"
#include "core/protocol/payload_writer.h"

namespace liminal::server::services {

std::string EncodeStoredEnvelope(const protocol::Envelope& envelope) {
  std::string out;
  protocol::PayloadWriter writer(out, "StoredEnvelope");
  writer.WriteEnvelope("envelope", envelope);
  // The envelope was decoded from a frame of at most max_frame_bytes, so it always fits.
  return writer.Finish().ok() ? out : std::string();
}

absl::StatusOr<protocol::Envelope> DecodeStoredEnvelope(std::string_view bytes) {
  protocol::PayloadReader reader(bytes, "StoredEnvelope");
  protocol::Envelope envelope;
  if (!reader.ReadEnvelope("envelope", envelope) || !reader.ExpectEnd()) {
    return absl::DataLossError(absl::StrCat("stored envelope is malformed: ", reader.error()));
  }
  return envelope;
}

}  // namespace liminal::server::services
