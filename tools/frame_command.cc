#include "tools/frame_command.h"

#include <algorithm>
#include <functional>
#include <istream>
#include <memory>
#include <ostream>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "core/protocol/frame_decoder.h"
#include "core/protocol/frame_encoder.h"
#include "tools/frame_json.h"
#include "tools/hex.h"

namespace liminal::tools {
namespace {

constexpr char kExitCodes[] = R"(Exit codes:
  0  every input succeeded
  1  some input decoded to an error (decode) or was refused by the encoder (encode)
  2  usage error, or an input that is not valid hex (decode) / not a valid frame JSON (encode)
)";

constexpr char kDecodeHelp[] = R"(Decodes the first frame in each input and prints one JSON line:
  {"ok": FRAME, "consumed": N}   a frame was decoded from the first N bytes
  {"error": "CLASS"}             CLASS is IncompleteHeader or TruncatedPayload (need more
                                 bytes), InvalidStream or CodecError (malformed)
FRAME uses the conformance vectors' form: "type", the type's fields (byte strings as
lower-case hex, text as JSON strings, null for absent optionals, versions as
[major, minor]), then "flags" and "stream_id". Unknown type ids give "type": "Unknown"
with "type_id" and the raw "payload".

HEX may contain whitespace. Without HEX, every non-blank stdin line is one input.

Examples:
  liminal frame decode 13000000000000000000
  liminal frame decode '0a 01 00000001 00000008 0000000000000001'
  cut -d'"' -f4 frames-valid.jsonl | liminal frame decode
)";

constexpr char kEncodeHelp[] =
    R"(Encodes each frame JSON (the form `liminal frame decode` prints) and prints its
bytes as one lower-case hex line. Every field of the type is required (null for an absent
optional); "flags" and "stream_id" default to 0. The encoder refuses frames the decoder
would reject: wrong stream class, Subscribe max_in_flight 0, Publish flag 0x02 without a
key or a key without the flag, invalid UTF-8, lengths beyond u32.

Without JSON, every non-blank stdin line is one input.

Examples:
  liminal frame encode '{"type":"Ping"}'
  liminal frame encode '{"type":"PublishAck","message_id":1,"flags":1,"stream_id":1}'
  liminal frame decode 13000000000000000000 | jq -c .ok | liminal frame encode
)";

struct FrameOptions {
  std::vector<std::string> decode_input;  // words of HEX, joined with spaces
  std::string encode_input;
};

// Runs `handle` on the argument, or on every non-blank line of `in`, and combines the
// per-input exit codes (the worst wins). `handle` gets a prefix for error messages.
int ForEachInput(const std::optional<std::string>& input, std::istream& in,
                 const std::function<int(std::string_view, const std::string&)>& handle) {
  if (input.has_value()) return handle(*input, "");
  int exit_code = kExitOk;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    exit_code = std::max(exit_code, handle(line, "line " + std::to_string(line_number) + ": "));
  }
  return exit_code;
}

std::string Dump(const FrameJson& json) {
  return json.dump(-1, ' ', false, FrameJson::error_handler_t::replace);
}

}  // namespace

int RunFrameDecode(const std::optional<std::string>& input, std::istream& in, std::ostream& out,
                   std::ostream& err) {
  return ForEachInput(input, in, [&](std::string_view text, const std::string& where) {
    absl::StatusOr<std::string> bytes = HexToBytes(text, HexWhitespace::kAllow);
    if (!bytes.ok()) {
      err << "liminal frame decode: " << where << bytes.status().message() << '\n';
      return kExitUsage;
    }
    const protocol::DecodeResult result = protocol::DecodeFrame(*bytes);
    out << Dump(DecodeResultToJson(result)) << std::endl;
    return result.ok() ? kExitOk : kExitFailure;
  });
}

int RunFrameEncode(const std::optional<std::string>& input, std::istream& in, std::ostream& out,
                   std::ostream& err) {
  return ForEachInput(input, in, [&](std::string_view text, const std::string& where) {
    FrameJson json;
    try {
      json = FrameJson::parse(text);
    } catch (const FrameJson::parse_error& e) {
      err << "liminal frame encode: " << where << "invalid JSON: " << e.what() << '\n';
      return kExitUsage;
    }
    absl::StatusOr<protocol::Frame> frame = FrameFromJson(json);
    if (!frame.ok()) {
      err << "liminal frame encode: " << where << frame.status().message() << '\n';
      return kExitUsage;
    }
    std::string bytes;
    if (absl::Status status = protocol::EncodeFrame(*frame, bytes); !status.ok()) {
      err << "liminal frame encode: " << where << "refused: " << status.message() << '\n';
      return kExitFailure;
    }
    out << BytesToHex(bytes) << std::endl;
    return kExitOk;
  });
}

Command AddFrameCommand(CLI::App& app) {
  auto options = std::make_shared<FrameOptions>();
  CLI::App* frame = app.add_subcommand("frame", "Decode and encode wire frames (hex <-> JSON)");
  frame->require_subcommand(1);
  frame->footer(kExitCodes);

  CLI::App* decode = frame->add_subcommand("decode", "Decode hex bytes into frame JSON");
  decode->add_option("hex", options->decode_input,
                     "Frame bytes as hex (whitespace allowed); default: one input per stdin line");
  decode->footer(std::string(kDecodeHelp) + "\n" + kExitCodes);

  CLI::App* encode = frame->add_subcommand("encode", "Encode frame JSON into hex bytes");
  encode->add_option("json", options->encode_input,
                     "One frame as JSON; default: one JSON object per stdin line");
  encode->footer(std::string(kEncodeHelp) + "\n" + kExitCodes);

  return {frame, [options, decode, encode]() {
            if (decode->parsed()) {
              std::optional<std::string> input;
              if (decode->count("hex") > 0) input = absl::StrJoin(options->decode_input, " ");
              return RunFrameDecode(input, std::cin, std::cout, std::cerr);
            }
            std::optional<std::string> input;
            if (encode->count("json") > 0) input = options->encode_input;
            return RunFrameEncode(input, std::cin, std::cout, std::cerr);
          }};
}

}  // namespace liminal::tools
