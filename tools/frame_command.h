// `liminal frame decode|encode`: the wire codec on the command line, in the JSON form of
// the conformance vectors (tools/frame_json.h).
//
//   liminal frame decode 13000000000000000000   ->  {"ok":{"type":"Ping",...},"consumed":10}
//   liminal frame encode '{"type":"Ping"}'        ->  13000000000000000000
//
// With no argument each command reads one input per stdin line (blank lines are skipped)
// and prints one output line per input. Exit codes: 0 every input succeeded, 1 some input
// decoded to an error / was refused by the encoder, 2 usage error or unparseable input.
#ifndef LIMINAL_TOOLS_FRAME_COMMAND_H_
#define LIMINAL_TOOLS_FRAME_COMMAND_H_

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <optional>
#include <string>

#include "tools/command.h"

namespace liminal::tools {

// Registers `frame` (with `decode` and `encode`) on `app`.
Command AddFrameCommand(CLI::App& app);

// The two actions, on explicit streams. `input` is the command-line argument, or nullopt
// to read lines from `in`. Return the exit code.
int RunFrameDecode(const std::optional<std::string>& input, std::istream& in, std::ostream& out,
                   std::ostream& err);
int RunFrameEncode(const std::optional<std::string>& input, std::istream& in, std::ostream& out,
                   std::ostream& err);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_FRAME_COMMAND_H_
