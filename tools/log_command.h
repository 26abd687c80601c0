// `liminal log PATH`: prints the records of a durable channel's log directory, one line per
// record, then a summary of what the log holds and any damage found (torn tail, corrupt
// record, bad header: segment file and offset). Strictly read-only (channel_log_reader.h):
// it never repairs, truncates or removes anything, so it is safe on a running server's log.
//
//   liminal log /var/lib/liminal/orders
//   liminal log --persistence-path /var/lib/liminal --channel orders --from 1200 --count 10
//   liminal log /var/lib/liminal/orders --json | jq .payload
//
// Text lines: id=17 time=2025-06-01T12:00:00.123456789Z key=order-17 size=9 payload={"id":17}
// (payload_hex=... when the payload is not printable UTF-8). The summary goes to stderr, or
// with --json to stdout as the last line, {"summary":{...}}. Exit status: 0 for a sound log
// (crash leftovers that liminald's recovery tidies up, such as a torn tail, are reported but
// are not errors), 1 when the log is corrupt or cannot be read, 2 for a usage error.
#ifndef LIMINAL_TOOLS_LOG_COMMAND_H_
#define LIMINAL_TOOLS_LOG_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/command.h"
#include "tools/command_io.h"
#include "tools/global_options.h"

namespace liminal::tools {

struct LogOptions {
  std::optional<std::string> path;              // the channel's log directory
  std::optional<std::string> persistence_path;  // or: liminald's persistence_path ...
  std::optional<std::string> channel;           // ... and the channel name
  uint64_t from = 1;                            // first message id to print
  std::optional<uint64_t> count;                // most records to print
};

Command AddLogCommand(CLI::App& app, const GlobalOptions& global);

int RunLog(const GlobalOptions& global, const LogOptions& options, const CommandIo& io);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_LOG_COMMAND_H_
