// The streams a command reads and writes, passed to every Run* function so tests can run a
// command on string streams; main.cc passes the process's own (StandardIo()).
//
//   int RunPing(const GlobalOptions& global, const PingOptions& options, const CommandIo& io);
//   RunPing(global, options, StandardIo());
//
// Convention: stdout (`out`) carries results only, so it can be piped; readiness lines
// ("subscribed ..."), progress, human summaries and errors go to stderr (`err`).
#ifndef LIMINAL_TOOLS_COMMAND_IO_H_
#define LIMINAL_TOOLS_COMMAND_IO_H_

#include <unistd.h>

#include <ostream>

namespace liminal::tools {

struct CommandIo {
  int in_fd = STDIN_FILENO;  // read with LineReader (line_reader.h)
  std::ostream& out;
  std::ostream& err;
  bool in_is_terminal = false;   // a person may be typing stdin lines
  bool err_is_terminal = false;  // progress lines are drawn only then
};

// stdin/std::cout/std::cerr, with the terminal flags from isatty().
CommandIo StandardIo();

}  // namespace liminal::tools

#endif  // LIMINAL_TOOLS_COMMAND_IO_H_
