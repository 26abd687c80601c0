// `liminal`: the command-line tool for the liminal messaging bus. Each subcommand lives in
// its own file and registers itself here (see tools/command.h); the shared connection and
// output options are in tools/global_options.h.
#include <CLI/CLI.hpp>
#include <vector>

#include "tools/command.h"
#include "tools/frame_command.h"
#include "tools/global_options.h"
#include "tools/log_command.h"
#include "tools/ping_command.h"
#include "tools/pub_command.h"
#include "tools/req_command.h"
#include "tools/sub_command.h"
#include "tools/worker_command.h"

namespace {

constexpr char kFooter[] =
    R"(Connection: --server HOST:PORT (env LIMINAL_SERVER, default 127.0.0.1:7400),
--token TOKEN (env LIMINAL_TOKEN). Global options may come before or after the command.

Exit codes:
  0  success
  1  the server refused an operation (the error names its reason code, e.g.
     E_UNKNOWN_CHANNEL), an operation timed out, an input failed (frame), or a log
     is corrupt or unreadable (log)
  2  usage error, or unparseable input
  3  cannot connect to liminald (refused, unreachable, handshake or authentication
     failure), or the connection was lost
Ctrl-C stops a running command cleanly (summary printed, exit code as above); a second
Ctrl-C exits at once with 130.

Run `liminal <command> --help` for a command's options and examples.)";

}  // namespace

int main(int argc, char** argv) {
  using liminal::tools::Command;
  CLI::App app{"liminal: command-line client for the liminal messaging bus", "liminal"};
  app.require_subcommand(1);
  app.footer(kFooter);
  liminal::tools::GlobalOptions global;
  liminal::tools::AddGlobalOptions(app, global);

  std::vector<Command> commands;
  commands.push_back(liminal::tools::AddPubCommand(app, global));
  commands.push_back(liminal::tools::AddSubCommand(app, global));
  commands.push_back(liminal::tools::AddReqCommand(app, global));
  commands.push_back(liminal::tools::AddWorkerCommand(app, global));
  commands.push_back(liminal::tools::AddPingCommand(app, global));
  commands.push_back(liminal::tools::AddFrameCommand(app));
  commands.push_back(liminal::tools::AddLogCommand(app, global));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, or the error and a hint
    return code == 0 ? liminal::tools::kExitOk : liminal::tools::kExitUsage;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return liminal::tools::kExitUsage;
}
