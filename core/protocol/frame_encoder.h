// Encoding frames into a caller-owned buffer (wire-protocol.md §1.3).
//
//   std::string out;                       // reuse it to batch several frames
//   if (absl::Status s = EncodeFrame(frame, out); !s.ok()) { ... }   // out unchanged on error
//
// Refuses (InvalidArgument, nothing appended): a known type on the wrong stream class,
// Subscribe with max_in_flight 0, a Publish whose key disagrees with flag 0x02, invalid
// UTF-8 in a text field, any length that does not fit in u32, or an UnknownFrame whose
// type id is a known type (it would not decode back as an UnknownFrame). The message
// names the frame type and field, e.g. "Publish.channel: not valid UTF-8".
#ifndef LIMINAL_CORE_PROTOCOL_FRAME_ENCODER_H_
#define LIMINAL_CORE_PROTOCOL_FRAME_ENCODER_H_

#include <string>

#include "absl/status/status.h"
#include "core/protocol/envelope.h"
#include "core/protocol/frame.h"

namespace liminal::protocol {

// Appends the wire bytes of `frame` to `out`.
absl::Status EncodeFrame(const Frame& frame, std::string& out);

// Appends exactly what EncodeFrame(MakeFrame(Deliver{delivery_seq, e}, stream_id)) would,
// where `e` is `envelope` with its schema id replaced by `schema_id` (the subscription's
// selected schema, wire §9), without building the Frame: the server's fan-out encodes one
// shared envelope once per subscriber, and copying it into a frame first would double the
// work.
absl::Status EncodeDeliver(uint32_t stream_id, uint64_t delivery_seq, const SchemaId& schema_id,
                           const Envelope& envelope, std::string& out);

// EncodeDeliver without the payload's bytes: appends everything before them (the payload is
// the frame's last field; the header counts it), for a caller that sends the payload from
// where it already lives (a gathered write). The same refusals as EncodeDeliver.
absl::Status EncodeDeliverPrefix(uint32_t stream_id, uint64_t delivery_seq,
                                 const SchemaId& schema_id, const Envelope& envelope,
                                 std::string& out);

// Appends exactly what EncodeFrame(MakeFrame(publish, stream_id)) would (flag 0x02 set iff
// there is a key), without moving the Publish into a Frame first: the client's publish path.
absl::Status EncodePublish(uint32_t stream_id, const Publish& publish, std::string& out);

}  // namespace liminal::protocol

#endif  // LIMINAL_CORE_PROTOCOL_FRAME_ENCODER_H_
