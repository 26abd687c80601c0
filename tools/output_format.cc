#include "tools/output_format.h"

#include "core/protocol/utf8.h"
#include "tools/hex.h"

namespace liminal::tools {

void WriteJsonLine(std::ostream& out, const Json& value, Flush flush) {
  WriteTextLine(out, value.dump(-1, ' ', false, Json::error_handler_t::replace), flush);
}

void WriteTextLine(std::ostream& out, std::string_view text, Flush flush) {
  out << text << '\n';
  if (flush == Flush::kNow) out.flush();
}

void SetPayload(Json& object, std::string_view payload, std::string_view name) {
  if (protocol::IsValidUtf8(payload)) {
    object[std::string(name)] = std::string(payload);
  } else {
    object[std::string(name) + "_hex"] = BytesToHex(payload);
  }
}

std::string SchemaIdHex(const protocol::SchemaId& id) {
  return BytesToHex(std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

}  // namespace liminal::tools
