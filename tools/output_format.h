// How commands print results: plain text (the payload or a short line per result) or, with
// --json, one JSON object per line. Every line is flushed at once, so a reader of a pipe sees
// results as they happen.
//
//   Json line = {{"message_id", 17}, {"delivered", true}};
//   SetPayload(line, delivery.payload);          // "payload", or "payload_hex" if not UTF-8
//   WriteJsonLine(io.out, line);                 // {"message_id":17,"delivered":true,...}
//   WriteTextLine(io.out, delivery.payload);
//
// A command printing many results at once (`sub` taking a batch of deliveries) may pass
// Flush::kByCaller and flush once after the batch.
//
// JSON keys keep the order they were added in (nlohmann::ordered_json).
#ifndef LIMINAL_TOOLS_OUTPUT_FORMAT_H_
#define LIMINAL_TOOLS_OUTPUT_FORMAT_H_

#include <ostream>
#include <string>
#include <string_view>

#include "core/protocol/envelope.h"
#include "nlohmann/json.hpp"

namespace liminal::tools {

enum class OutputFormat { kText, kJson };

using Json = nlohmann::ordered_json;

enum class Flush {
  kNow,       // flush after the line
  kByCaller,  // leave it buffered: the caller flushes after a batch of lines
};

// `value` compact on one line, then a newline; flushed unless kByCaller.
void WriteJsonLine(std::ostream& out, const Json& value, Flush flush = Flush::kNow);

// `text` then a newline; flushed unless kByCaller.
void WriteTextLine(std::ostream& out, std::string_view text, Flush flush = Flush::kNow);

// object["payload"] = the payload as a string when it is valid UTF-8; otherwise
// object["payload_hex"] = its bytes in lower-case hex. `name` replaces "payload" in both.
void SetPayload(Json& object, std::string_view payload, std::string_view name = "payload");

// The 32 schema id bytes in lower-case hex.
std::string SchemaIdHex(const protocol::SchemaId& id);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_OUTPUT_FORMAT_H_
