// `liminal pub CHANNEL [DATA|-]`: publishes DATA (or one message per stdin line) and prints
// each message's id and whether a subscriber took it; --count/--rate make it a load run
// with a progress line and a latency summary.
//
// Publishes are pipelined (publish_pipeline.h): up to --window (default 1024) are
// unacknowledged at a time, each one's publish->ack latency is measured, and results are
// printed in publish order. --window 1 publishes one message at a time.
//
//   liminal pub orders '{"id":1}'                 ->  id=1 delivered=true
//   liminal pub orders '{"id":1}' --key order-1   ->  same id again on a re-run, not delivered
//   liminal pub events hi --count 10000 --rate 2000
//   tail -f app.log | liminal pub logs -
//
// Idempotency keys: a single DATA uses --key as given. With --count or stdin input, message
// i (from 1) uses "<key>-<i>", so the copies are distinct messages and re-running the same
// command is deduplicated message by message.
#ifndef LIMINAL_TOOLS_PUB_COMMAND_H_
#define LIMINAL_TOOLS_PUB_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/command.h"
#include "tools/command_io.h"
#include "tools/global_options.h"

namespace liminal::tools {

inline constexpr uint32_t kDefaultPublishWindow = 1024;
inline constexpr uint32_t kMaxPublishWindow = 1u << 20;

struct PubOptions {
  std::string channel;
  std::optional<std::string> data;  // nullopt or "-": one message per stdin line
  std::optional<std::string> key;
  std::optional<uint64_t> count;            // copies of DATA
  std::optional<double> rate;               // messages per second
  uint32_t window = kDefaultPublishWindow;  // most publishes unacknowledged at a time
  std::string timeout = "5s";               // per PublishAck
};

// Registers `pub` on `app`; `global` is read when the command runs.
Command AddPubCommand(CLI::App& app, const GlobalOptions& global);

int RunPub(const GlobalOptions& global, const PubOptions& options, const CommandIo& io);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_PUB_COMMAND_H_
