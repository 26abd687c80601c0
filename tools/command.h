// How a `liminal` subcommand plugs into tools/main.cc, and the exit codes every command
// shares.
//
//   Command AddPingCommand(CLI::App& app, const GlobalOptions& global) {
//     CLI::App* ping = app.add_subcommand("ping", "...");
//     auto options = std::make_shared<PingOptions>();
//     ping->add_option("--count", options->count, "...");
//     return {ping, [options, &global] { return RunPing(global, *options, StdIo()); }};
//   }
//
// main.cc registers every command, parses the command line once, then calls `run` of the
// command that was selected and exits with what it returns.
#ifndef LIMINAL_TOOLS_COMMAND_H_
#define LIMINAL_TOOLS_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace liminal::tools {

// Process exit codes of `liminal`.
inline constexpr int kExitOk = 0;             // everything succeeded
inline constexpr int kExitFailure = 1;        // the server refused an operation, or an input or
                                              // operation failed (timeouts included)
inline constexpr int kExitUsage = 2;          // bad command line or unparseable input
inline constexpr int kExitConnection = 3;     // could not connect/handshake, or the connection
                                              // was lost
inline constexpr int kExitInterrupted = 130;  // a second Ctrl-C (the first stops cleanly)

struct Command {
  CLI::App* app = nullptr;   // the registered subcommand; run only if app->parsed()
  std::function<int()> run;  // returns the process exit code
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_COMMAND_H_
