// `liminal ping`: measures the round-trip time of Ping/Pong with liminald.
//
//   liminal ping                           ->  pong from 127.0.0.1:7400: seq=1 time=0.142 ms
//   liminal ping --count 100 --interval 10ms --json
//
// With --count a summary (pings, elapsed, rtt p50/p90/p99/max) follows the per-ping lines.
#ifndef LIMINAL_TOOLS_PING_COMMAND_H_
#define LIMINAL_TOOLS_PING_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/command.h"
#include "tools/command_io.h"
#include "tools/global_options.h"

namespace liminal::tools {

struct PingOptions {
  std::optional<uint64_t> count;  // pings to send (default 1)
  std::string interval = "0s";    // pause between pings
  std::string timeout = "5s";     // per Pong
};

Command AddPingCommand(CLI::App& app, const GlobalOptions& global);

int RunPing(const GlobalOptions& global, const PingOptions& options, const CommandIo& io);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_PING_COMMAND_H_
