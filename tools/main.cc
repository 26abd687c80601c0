// `liminal`: the command-line tool for the liminal messaging bus. Each subcommand lives in
// its own file and registers itself here (see tools/command.h).
#include <CLI/CLI.hpp>
#include <vector>

#include "tools/command.h"
#include "tools/frame_command.h"

int main(int argc, char** argv) {
  using liminal::tools::Command;
  CLI::App app{"liminal: command-line tool for the liminal messaging bus", "liminal"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 an input or operation failed, 2 usage error or unparseable "
      "input.\nRun `liminal <command> --help` for a command's options and examples.");

  std::vector<Command> commands;
  commands.push_back(liminal::tools::AddFrameCommand(app));

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
