// How a `liminal` subcommand plugs into tools/main.cc, and the exit codes every command
// shares.
//
//   Command AddPingCommand(CLI::App& app) {
//     CLI::App* ping = app.add_subcommand("ping", "...");
//     auto options = std::make_shared<PingOptions>();
//     ping->add_option("--server", options->server, "...");
//     return {ping, [options] { return RunPing(*options); }};
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
inline constexpr int kExitOk = 0;       // everything succeeded
inline constexpr int kExitFailure = 1;  // the command ran but an input/operation failed
inline constexpr int kExitUsage = 2;    // bad command line or unparseable input

struct Command {
  CLI::App* app = nullptr;   // the registered subcommand; run only if app->parsed()
  std::function<int()> run;  // returns the process exit code
};

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_COMMAND_H_
