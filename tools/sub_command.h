// `liminal sub CHANNEL`: subscribes and prints every delivery (the payload, or with --json
// an object with seq, payload, schema id and causal context) until --count deliveries,
// --timeout, Ctrl-C, or the server ends the subscription.
//
//   liminal sub orders                            # payloads, one per line
//   liminal sub orders --json --count 10 --timeout 30s
//
// Once subscribed it prints "liminal sub: subscribed to 'orders' ..." on stderr, so scripts
// and tests can wait for that line before publishing. A subscription the server sheds
// (E_SLOW_CONSUMER) is reported as such and exits with 1.
#ifndef LIMINAL_TOOLS_SUB_COMMAND_H_
#define LIMINAL_TOOLS_SUB_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/command.h"
#include "tools/command_io.h"
#include "tools/global_options.h"

namespace liminal::tools {

struct SubOptions {
  std::string channel;
  uint32_t max_in_flight = 1024;        // deep enough to keep up with a pipelined `pub`
  std::optional<uint64_t> count;        // stop after this many deliveries
  std::optional<std::string> timeout;   // stop after this long in total (a duration flag)
  bool replay = false;                  // durable channels: retained messages first
  std::optional<uint64_t> from;         // durable channels: replay from this message id
  std::optional<std::string> consumer;  // durable channels: resume this named consumer
  std::string subscribe_timeout = "5s";
};

Command AddSubCommand(CLI::App& app, const GlobalOptions& global);

int RunSub(const GlobalOptions& global, const SubOptions& options, const CommandIo& io);

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_SUB_COMMAND_H_
