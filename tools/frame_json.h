// Conversion between frames and the JSON form used by the conformance vectors
// (../shared/spec/vectors/README.md) and by `liminal frame decode|encode`.
//
//   FrameJson j = FrameToJson(frame);        // {"type":"Ping","flags":0,"stream_id":0}
//   absl::StatusOr<Frame> f = FrameFromJson(j);
//   FrameJson verdict = DecodeResultToJson(DecodeFrame(bytes));
//   // verdict: {"ok":{...},"consumed":10} or {"error":"CodecError"}
//
// Format: "type" is the frame type's name ("Unknown" plus "type_id" for unknown ids); byte
// strings (payloads, tokens, schema ids) are lower-case hex; text fields are JSON strings;
// absent optionals are null; versions are [major, minor]; "flags" and "stream_id" come from
// the header. Envelopes are objects {schema_id, parent_id, vector_clock, payload}, and a
// WorkerRegisterAck is {"accepted": bool, "reason": string|null}. A WorkerRegister's activity
// census appears as "activities": [{name, input_schema_json, output_schema_json}, ...] after
// "identity", and only when it is non-empty. Keys are written in the vectors' order.
//
// FrameFromJson is strict: every field key of the type is required (null for an absent
// optional), unknown keys are refused, numbers must be non-negative integers in range.
// Only "flags", "stream_id" (default 0) and "activities" (default empty) may be omitted.
// Errors name the key.
#ifndef LIMINAL_TOOLS_FRAME_JSON_H_
#define LIMINAL_TOOLS_FRAME_JSON_H_

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "core/protocol/frame.h"
#include "core/protocol/frame_decoder.h"

namespace liminal::tools {

// Insertion-ordered, so output keys follow the vectors' order.
using FrameJson = nlohmann::ordered_json;

FrameJson FrameToJson(const protocol::Frame& frame);

absl::StatusOr<protocol::Frame> FrameFromJson(const FrameJson& json);

// {"ok": FRAME, "consumed": N} or {"error": "<DecodeErrorClass name>"}.
FrameJson DecodeResultToJson(const protocol::DecodeResult& result);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_FRAME_JSON_H_
